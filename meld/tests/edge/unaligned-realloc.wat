;; expect: trap
;; The callee's realloc returns 1001 for a `list<u32>` (alignment 4); the
;; adapter must trap instead of writing the list there.
(component
  (component $callee
    (core module $m
      (memory (export "mem") 1)
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1001))
      (func (export "f") (param i32 i32)))
    (core instance $i (instantiate $m))
    (func (export "f") (param "l" (list u32))
      (canon lift (core func $i "f") (memory $i "mem") (realloc (func $i "realloc")))))
  (component $caller
    (import "f" (func $f (param "l" (list u32))))
    (core module $libc (memory (export "mem") 1))
    (core instance $libc (instantiate $libc))
    (core func $lowered (canon lower (func $f) (memory $libc "mem")))
    (core module $m
      (import "libc" "mem" (memory 1))
      (import "host" "f" (func $f (param i32 i32)))
      (func (export "run") (call $f (i32.const 64) (i32.const 2))))
    (core instance $i (instantiate $m (with "libc" (instance $libc)) (with "host" (instance (export "f" (func $lowered))))))
    (func (export "run") (canon lift (core func $i "run"))))
  (instance $callee (instantiate $callee))
  (instance $caller (instantiate $caller (with "f" (func $callee "f"))))
  (export "run" (func $caller "run")))
