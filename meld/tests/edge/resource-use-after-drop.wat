;; expect: trap
;; A dropped handle is gone: lending it to the defining component traps
;; (the destructor has run; the slot is free).
(component
  (component $leaf
    (type $r' (resource (rep i32)))
    (export $r "r" (type $r'))
    (core func $new (canon resource.new $r'))
    (core module $m
      (import "" "new" (func $new (param i32) (result i32)))
      (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
      (func (export "rep-of") (param i32) (result i32) (local.get 0)))
    (core instance $i (instantiate $m (with "" (instance (export "new" (func $new))))))
    (func (export "make") (param "rep" u32) (result (own $r)) (canon lift (core func $i "make")))
    (func (export "rep-of") (param "x" (borrow $r)) (result u32) (canon lift (core func $i "rep-of"))))
  (component $runner
    (import "r" (type $r (sub resource)))
    (import "make" (func $make (param "rep" u32) (result (own $r))))
    (import "rep-of" (func $rep-of (param "x" (borrow $r)) (result u32)))
    (core func $make (canon lower (func $make)))
    (core func $rep-of (canon lower (func $rep-of)))
    (core func $drop (canon resource.drop $r))
    (core module $m
      (import "" "make" (func $make (param i32) (result i32)))
      (import "" "rep-of" (func $rep-of (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (func (export "run")
        (local $h i32)
        (local.set $h (call $make (i32.const 5)))
        (if (i32.ne (call $rep-of (local.get $h)) (i32.const 5)) (then return))
        (call $drop (local.get $h))
        (drop (call $rep-of (local.get $h)))))
    (core instance $i (instantiate $m (with "" (instance
      (export "make" (func $make)) (export "rep-of" (func $rep-of)) (export "drop" (func $drop))))))
    (func (export "run") (canon lift (core func $i "run"))))
  (instance $leaf (instantiate $leaf))
  (instance $runner (instantiate $runner
    (with "r" (type $leaf "r")) (with "make" (func $leaf "make")) (with "rep-of" (func $leaf "rep-of"))))
  (export "run" (func $runner "run")))
