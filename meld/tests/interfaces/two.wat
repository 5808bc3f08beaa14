;; Two interfaces sharing a record type (as WIT `use` produces), and
;; functions exported at the root, one using that record (named only inside
;; the interfaces: the fused component exports it at the root as `pair`).
(component
  (core module $m
    (func (export "get") (result i32) (i32.const 7))
    (func (export "sum") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "swap") (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
    (func (export "version") (result i32) (i32.const 2))
    (func (export "first") (param i32 i32) (result i32) (local.get 0)))
  (core module $mem (memory (export "mem") 1))
  (core instance $i (instantiate $m))
  (core instance $mi (instantiate $mem))
  (type $pair (record (field "a" u32) (field "b" u32)))
  (func $get (result u32) (canon lift (core func $i "get")))
  (func $sum (param "p" $pair) (result u32) (canon lift (core func $i "sum")))
  (core module $swap
    (import "" "mem" (memory 1))
    (import "" "swap" (func $swap (param i32 i32) (result i32 i32)))
    (func (export "swap") (param i32 i32) (result i32)
      (local $x i32) (local $y i32)
      (call $swap (local.get 0) (local.get 1))
      (local.set $y)
      (local.set $x)
      (i32.store (i32.const 32) (local.get $x))
      (i32.store (i32.const 36) (local.get $y))
      (i32.const 32)))
  (core instance $si (instantiate $swap
    (with "" (instance (export "mem" (memory $mi "mem")) (export "swap" (func $i "swap"))))))
  (func $swap (param "p" $pair) (result $pair)
    (canon lift (core func $si "swap") (memory $mi "mem")))
  (instance $a (export "pair" (type $pair)) (export "get" (func $get)) (export "sum" (func $sum)))
  (instance $b (export "pair" (type $pair)) (export "swap" (func $swap)))
  (export "my:pkg/a" (instance $a))
  (export "my:pkg/b" (instance $b))
  (func (export "version") (result u32) (canon lift (core func $i "version")))
  (func (export "first") (param "p" $pair) (result u32) (canon lift (core func $i "first"))))
