;; An interface whose functions come from two inner components; the second
;; calls the first (through an adapter).
(component
  (component $c1
    (core module $m (func (export "one") (result i32) (i32.const 1)))
    (core instance $i (instantiate $m))
    (func (export "one") (result u32) (canon lift (core func $i "one"))))
  (component $c2
    (import "one" (func $one (result u32)))
    (core func $one-core (canon lower (func $one)))
    (core module $m
      (import "" "one" (func $one (result i32)))
      (memory (export "mem") 1)
      (global $heap (mut i32) (i32.const 4096))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $r i32)
        (local.set $r (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get 2))))
        (global.set $heap (i32.add (local.get $r) (local.get 3)))
        (local.get $r))
      (func (export "eleven") (result i32) (i32.add (call $one) (i32.const 10)))
      (func (export "echo") (param i32 i32) (result i32)
        (i32.store (i32.const 16) (local.get 0))
        (i32.store (i32.const 20) (local.get 1))
        (i32.const 16)))
    (core instance $i (instantiate $m (with "" (instance (export "one" (func $one-core))))))
    (func (export "eleven") (result u32) (canon lift (core func $i "eleven")))
    (func (export "echo") (param "s" string) (result string)
      (canon lift (core func $i "echo") (memory $i "mem") (realloc (func $i "realloc")))))
  (instance $a (instantiate $c1))
  (instance $b (instantiate $c2 (with "one" (func $a "one"))))
  (alias export $a "one" (func $one))
  (alias export $b "eleven" (func $eleven))
  (alias export $b "echo" (func $echo))
  (instance $api
    (export "one" (func $one))
    (export "eleven" (func $eleven))
    (export "echo" (func $echo)))
  (export "my:pkg/api" (instance $api)))
