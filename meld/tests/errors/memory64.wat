(component
  (core module $m
    (memory (export "mem") i64 1)
    (func (export "realloc") (param i64 i64 i64 i64) (result i64) (i64.const 16))
    (func (export "f") (param i64 i64)))
  (core instance $i (instantiate $m))
  (func (export "f") (param "x" string) (canon lift (core func $i "f") (memory $i "mem") (realloc (func $i "realloc")))))
