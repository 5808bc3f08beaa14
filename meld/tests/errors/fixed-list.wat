(component
  (core module $m (func (export "f") (param i32 i32 i32 i32)))
  (core instance $i (instantiate $m))
  (func (export "f") (param "x" (list u8 4)) (canon lift (core func $i "f"))))
