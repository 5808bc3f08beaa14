(component
  (core func $get (canon context.get i32 0))
  (core module $m (import "" "get" (func (result i32))) (func (export "f") (result i32) (i32.const 1)))
  (core instance $i (instantiate $m (with "" (instance (export "get" (func $get))))))
  (func (export "f") (result u32) (canon lift (core func $i "f"))))
