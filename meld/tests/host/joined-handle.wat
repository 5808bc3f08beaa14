;; A host function taking `result<own<file>, u64>`: the handle's flat slot
;; is joined with `u64` into an `i64`, which meld rejects with an error.
(component
  (import "test:host/files" (instance $files
    (export "file" (type $file (sub resource)))
    (export "take" (func (param "r" (result (own $file) (error u64)))))))
  (alias export $files "take" (func $take))
  (core func $take (canon lower (func $take)))
  (core module $m
    (import "" "take" (func (param i32 i64)))
    (func (export "run") (call 0 (i32.const 1) (i64.const 0))))
  (core instance $i (instantiate $m (with "" (instance (export "take" (func $take))))))
  (func (export "run") (canon lift (core func $i "run"))))
