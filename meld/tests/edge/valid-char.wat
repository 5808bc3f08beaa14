;; expect: ok
;; The control for invalid-char.wat: U+1F600 crosses as a `char` and the
;; callee checks it arrived unchanged.
(component
  (component $callee
    (core module $m
      (func (export "f") (param i32)
        (if (i32.ne (local.get 0) (i32.const 0x1F600)) (then unreachable))))
    (core instance $i (instantiate $m))
    (func (export "f") (param "c" char) (canon lift (core func $i "f"))))
  (component $caller
    (import "f" (func $f (param "c" char)))
    (core func $lowered (canon lower (func $f)))
    (core module $m
      (import "host" "f" (func $f (param i32)))
      (func (export "run") (call $f (i32.const 0x1F600))))
    (core instance $i (instantiate $m (with "host" (instance (export "f" (func $lowered))))))
    (func (export "run") (canon lift (core func $i "run"))))
  (instance $callee (instantiate $callee))
  (instance $caller (instantiate $caller (with "f" (func $callee "f"))))
  (export "run" (func $caller "run")))
