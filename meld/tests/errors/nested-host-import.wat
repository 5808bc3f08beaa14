(component
  (import "a:b/c" (instance $outer (export "inner" (instance (export "f" (func))))))
  (alias export $outer "inner" (instance $inner))
  (core func $f (canon lower (func $inner "f")))
  (core module $m (import "" "f" (func)) (func (export "g") (call 0)))
  (core instance $i (instantiate $m (with "" (instance (export "f" (func $f))))))
  (func (export "g") (canon lift (core func $i "g"))))
