;; A core module with a 64-bit memory of its own (not named by any canonical
;; option): `--memory single` cannot make it a region of the one 32-bit
;; memory. Fusing it with the default `--memory multi` works.
(component
  (core module $m
    (memory i64 1)
    (func (export "f") (result i32) i32.const 7))
  (core instance $i (instantiate $m))
  (func (export "run") (result u32) (canon lift (core func $i "f"))))
