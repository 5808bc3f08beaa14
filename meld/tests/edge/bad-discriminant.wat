;; expect: trap
;; The caller passes discriminant 2 for an `option<u8>` (only 0 and 1
;; exist); lifting it must trap.
(component
  (component $callee
    (core module $m (func (export "f") (param i32 i32)))
    (core instance $i (instantiate $m))
    (func (export "f") (param "x" (option u8)) (canon lift (core func $i "f"))))
  (component $caller
    (import "f" (func $f (param "x" (option u8))))
    (core func $lowered (canon lower (func $f)))
    (core module $m
      (import "host" "f" (func $f (param i32 i32)))
      (func (export "run") (call $f (i32.const 2) (i32.const 7))))
    (core instance $i (instantiate $m (with "host" (instance (export "f" (func $lowered))))))
    (func (export "run") (canon lift (core func $i "run"))))
  (instance $callee (instantiate $callee))
  (instance $caller (instantiate $caller (with "f" (func $callee "f"))))
  (export "run" (func $caller "run")))
