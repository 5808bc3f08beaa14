(component
  (core module $m (func (export "f") (call 9)))
  (core instance $i (instantiate $m))
  (func (export "f") (canon lift (core func $i "f"))))
