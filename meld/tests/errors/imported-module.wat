(component
  (import "m" (core module $m (export "f" (func))))
  (core instance $i (instantiate $m))
  (func (export "f") (canon lift (core func $i "f"))))
