;; expect: ok
;; One counter component instantiated twice: each copy keeps its count in
;; its own memory (initialised by a data segment to 10). The runner bumps
;; `a` twice and `b` once and checks 11, 12, then 11.
(component
  (component $counter
    (core module $m
      (memory (export "mem") 1)
      (data (i32.const 0) "\0a\00\00\00")
      (func (export "inc") (result i32)
        (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
        (i32.load (i32.const 0))))
    (core instance $i (instantiate $m))
    (func (export "inc") (result u32) (canon lift (core func $i "inc"))))
  (component $runner
    (import "a" (func $a (result u32)))
    (import "b" (func $b (result u32)))
    (core func $a (canon lower (func $a)))
    (core func $b (canon lower (func $b)))
    (core module $m
      (import "host" "a" (func $a (result i32)))
      (import "host" "b" (func $b (result i32)))
      (func (export "run")
        (if (i32.ne (call $a) (i32.const 11)) (then unreachable))
        (if (i32.ne (call $a) (i32.const 12)) (then unreachable))
        (if (i32.ne (call $b) (i32.const 11)) (then unreachable))))
    (core instance $i (instantiate $m (with "host" (instance (export "a" (func $a)) (export "b" (func $b))))))
    (func (export "run") (canon lift (core func $i "run"))))
  (instance $a (instantiate $counter))
  (instance $b (instantiate $counter))
  (instance $runner (instantiate $runner (with "a" (func $a "inc")) (with "b" (func $b "inc"))))
  (export "run" (func $runner "run")))
