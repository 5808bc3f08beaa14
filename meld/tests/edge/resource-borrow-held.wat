;; expect: trap
;; A callee that returns without dropping a borrow it was given traps at
;; the end of the call.
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
    (core module $m
      (func (export "hold") (param i32)))
    (core instance $i (instantiate $m))
    (func (export "hold") (param "x" (borrow $r)) (canon lift (core func $i "hold"))))
  (component $runner
    (import "r" (type $r (sub resource)))
    (import "make" (func $make (param "rep" u32) (result (own $r))))
    (import "hold" (func $hold (param "x" (borrow $r))))
    (core func $make (canon lower (func $make)))
    (core func $hold (canon lower (func $hold)))
    (core module $m
      (import "" "make" (func $make (param i32) (result i32)))
      (import "" "hold" (func $hold (param i32)))
      (func (export "run") (call $hold (call $make (i32.const 1)))))
    (core instance $i (instantiate $m (with "" (instance
      (export "make" (func $make)) (export "hold" (func $hold))))))
    (func (export "run") (canon lift (core func $i "run"))))
  (instance $leaf (instantiate $leaf))
  (instance $middle (instantiate $middle (with "r" (type $leaf "r"))))
  (instance $runner (instantiate $runner
    (with "r" (type $leaf "r")) (with "make" (func $leaf "make")) (with "hold" (func $middle "hold"))))
  (export "run" (func $runner "run")))
