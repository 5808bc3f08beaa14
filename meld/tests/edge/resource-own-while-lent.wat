;; expect: trap
;; Removing an own handle while it is lent traps. Passing the same own
;; handle as a borrow and then as an own in one call: the borrow lends it,
;; so moving it out (the removal `resource.drop` also does) traps. Guest
;; code cannot otherwise reach a handle it lent during the call: the
;; adapters trap on any re-entrance into a caller.
(component
  (component $leaf
    (type $r' (resource (rep i32)))
    (export $r "r" (type $r'))
    (core func $new (canon resource.new $r'))
    (core module $m
      (import "" "new" (func $new (param i32) (result i32)))
      (func (export "make") (param i32) (result i32) (call $new (local.get 0))))
    (core instance $i (instantiate $m (with "" (instance (export "new" (func $new))))))
    (func (export "make") (param "rep" u32) (result (own $r)) (canon lift (core func $i "make"))))
  (component $middle
    (import "r" (type $r (sub resource)))
    (core func $drop (canon resource.drop $r))
    (core module $m
      (import "" "drop" (func $drop (param i32)))
      (func (export "both") (param i32 i32) (call $drop (local.get 0)) (call $drop (local.get 1))))
    (core instance $i (instantiate $m (with "" (instance (export "drop" (func $drop))))))
    (func (export "both") (param "b" (borrow $r)) (param "o" (own $r)) (canon lift (core func $i "both"))))
  (component $runner
    (import "r" (type $r (sub resource)))
    (import "make" (func $make (param "rep" u32) (result (own $r))))
    (import "both" (func $both (param "b" (borrow $r)) (param "o" (own $r))))
    (core func $make (canon lower (func $make)))
    (core func $both (canon lower (func $both)))
    (core module $m
      (import "" "make" (func $make (param i32) (result i32)))
      (import "" "both" (func $both (param i32 i32)))
      (func (export "run")
        (local $h i32)
        (local.set $h (call $make (i32.const 1)))
        (call $both (local.get $h) (local.get $h))))
    (core instance $i (instantiate $m (with "" (instance
      (export "make" (func $make)) (export "both" (func $both))))))
    (func (export "run") (canon lift (core func $i "run"))))
  (instance $leaf (instantiate $leaf))
  (instance $middle (instantiate $middle (with "r" (type $leaf "r"))))
  (instance $runner (instantiate $runner
    (with "r" (type $leaf "r")) (with "make" (func $leaf "make")) (with "both" (func $middle "both"))))
  (export "run" (func $runner "run")))
