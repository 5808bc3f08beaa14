;; expect: trap
;; Live handles are capped at 100 000 (wasmtime 48's default per-store
;; limit): the first 100 000 `resource.new` calls succeed and number their
;; handles 1..=100000 (the table grows as it fills), the next one traps.
(component
  (type $r (resource (rep i32)))
  (core func $new (canon resource.new $r))
  (core func $rep (canon resource.rep $r))
  (core module $m
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "rep" (func $rep (param i32) (result i32)))
    (func (export "run")
      (local $i i32) (local $h i32)
      (loop $more
        (local.set $h (call $new (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $more (i32.lt_u (local.get $i) (i32.const 100000))))
      (if (i32.ne (local.get $h) (i32.const 100000)) (then return))
      (if (i32.ne (call $rep (i32.const 4097)) (i32.const 4096)) (then return))
      (drop (call $new (i32.const 0)))))
  (core instance $i (instantiate $m (with "" (instance (export "new" (func $new)) (export "rep" (func $rep))))))
  (func (export "run") (canon lift (core func $i "run"))))
