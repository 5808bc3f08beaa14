;; expect: trap
;; `resource.rep` of one resource type given a handle of another (both
;; defined by the same component, so both live in its one table) traps.
(component
  (type $a (resource (rep i32)))
  (type $b (resource (rep i32)))
  (core func $new-a (canon resource.new $a))
  (core func $rep-a (canon resource.rep $a))
  (core func $rep-b (canon resource.rep $b))
  (core module $m
    (import "" "new-a" (func $new-a (param i32) (result i32)))
    (import "" "rep-a" (func $rep-a (param i32) (result i32)))
    (import "" "rep-b" (func $rep-b (param i32) (result i32)))
    (func (export "run")
      (local $h i32)
      (local.set $h (call $new-a (i32.const 7)))
      (if (i32.ne (call $rep-a (local.get $h)) (i32.const 7)) (then return))
      (drop (call $rep-b (local.get $h)))))
  (core instance $i (instantiate $m (with "" (instance
    (export "new-a" (func $new-a)) (export "rep-a" (func $rep-a)) (export "rep-b" (func $rep-b))))))
  (func (export "run") (canon lift (core func $i "run"))))
