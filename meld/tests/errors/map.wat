(component
  (core module $m
    (memory (export "mem") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 16))
    (func (export "f") (param i32 i32)))
  (core instance $i (instantiate $m))
  (func (export "f") (param "x" (map string u32)) (canon lift (core func $i "f") (memory $i "mem") (realloc (func $i "realloc")))))
