;; expect: ok
;; Handle numbering, as wasmtime 48 numbers it: per component instance,
;; from 1, the most recently freed handle reused first. The leaf defines
;; `r` (its destructor counts drops); the middle keeps own handles and
;; reports the numbers borrows get in its table; the runner checks every
;; number it sees: its own handles, the middle's own and borrow handles, the
;; leaf's own handles (which leave its table when returned), and the
;; destructor count.
(component
  (component $leaf
    (core module $state
      (global (export "dropped") (mut i32) (i32.const 0))
      (func (export "dtor") (param i32)
        (global.set 0 (i32.add (global.get 0) (i32.const 1)))))
    (core instance $s (instantiate $state))
    (type $r' (resource (rep i32) (dtor (func $s "dtor"))))
    (export $r "r" (type $r'))
    (core func $new (canon resource.new $r'))
    (core module $m
      (import "s" "dropped" (global $dropped (mut i32)))
      (import "" "new" (func $new (param i32) (result i32)))
      (global $last (mut i32) (i32.const 0))
      (func (export "make") (param i32) (result i32)
        (global.set $last (call $new (local.get 0)))
        (global.get $last))
      (func (export "last") (result i32) (global.get $last))
      (func (export "dropped") (result i32) (global.get $dropped))
      (func (export "rep-of") (param i32) (result i32) (local.get 0)))
    (core instance $i (instantiate $m
      (with "s" (instance $s))
      (with "" (instance (export "new" (func $new))))))
    (func (export "make") (param "rep" u32) (result (own $r)) (canon lift (core func $i "make")))
    (func (export "last") (result u32) (canon lift (core func $i "last")))
    (func (export "dropped") (result u32) (canon lift (core func $i "dropped")))
    (func (export "rep-of") (param "x" (borrow $r)) (result u32) (canon lift (core func $i "rep-of"))))

  (component $middle
    (import "r" (type $r (sub resource)))
    (core func $drop (canon resource.drop $r))
    (core module $m
      (import "" "drop" (func $drop (param i32)))
      ;; Keeps an own handle; returns its number in this table.
      (func (export "keep") (param i32) (result i32) (local.get 0))
      ;; Drops a kept own handle.
      (func (export "release") (param i32) (call $drop (local.get 0)))
      ;; Returns the number the borrow got here, after dropping it.
      (func (export "borrow-number") (param i32) (result i32)
        (call $drop (local.get 0))
        (local.get 0)))
    (core instance $i (instantiate $m (with "" (instance (export "drop" (func $drop))))))
    (func (export "keep") (param "x" (own $r)) (result u32) (canon lift (core func $i "keep")))
    (func (export "release") (param "h" u32) (canon lift (core func $i "release")))
    (func (export "borrow-number") (param "x" (borrow $r)) (result u32)
      (canon lift (core func $i "borrow-number"))))

  (component $runner
    (import "r" (type $r (sub resource)))
    (import "make" (func $make (param "rep" u32) (result (own $r))))
    (import "last" (func $last (result u32)))
    (import "dropped" (func $dropped (result u32)))
    (import "rep-of" (func $rep-of (param "x" (borrow $r)) (result u32)))
    (import "keep" (func $keep (param "x" (own $r)) (result u32)))
    (import "release" (func $release (param "h" u32)))
    (import "borrow-number" (func $borrow-number (param "x" (borrow $r)) (result u32)))
    (core func $make (canon lower (func $make)))
    (core func $last (canon lower (func $last)))
    (core func $dropped (canon lower (func $dropped)))
    (core func $rep-of (canon lower (func $rep-of)))
    (core func $keep (canon lower (func $keep)))
    (core func $release (canon lower (func $release)))
    (core func $borrow-number (canon lower (func $borrow-number)))
    (core func $drop (canon resource.drop $r))
    (core module $m
      (import "" "make" (func $make (param i32) (result i32)))
      (import "" "last" (func $last (result i32)))
      (import "" "dropped" (func $dropped (result i32)))
      (import "" "rep-of" (func $rep-of (param i32) (result i32)))
      (import "" "keep" (func $keep (param i32) (result i32)))
      (import "" "release" (func $release (param i32)))
      (import "" "borrow-number" (func $borrow-number (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (func $expect (param i32 i32)
        (if (i32.ne (local.get 0) (local.get 1)) (then unreachable)))
      (func (export "run")
        (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32)
        ;; Fresh handles count up from 1; the leaf's handle leaves its
        ;; table on return, so the leaf reuses 1 each time.
        (call $expect (local.tee $a (call $make (i32.const 10))) (i32.const 1))
        (call $expect (call $last) (i32.const 1))
        (call $expect (local.tee $b (call $make (i32.const 20))) (i32.const 2))
        (call $expect (call $last) (i32.const 1))
        (call $expect (local.tee $c (call $make (i32.const 30))) (i32.const 3))
        (call $expect (call $rep-of (local.get $b)) (i32.const 20))
        ;; Free 2 then 1: 1 is reused first, then 2, then 4 is new.
        (call $drop (local.get $b))
        (call $expect (call $dropped) (i32.const 1))
        (call $drop (local.get $a))
        (call $expect (call $dropped) (i32.const 2))
        (call $expect (local.tee $a (call $make (i32.const 40))) (i32.const 1))
        (call $expect (local.tee $b (call $make (i32.const 50))) (i32.const 2))
        (call $expect (local.tee $d (call $make (i32.const 60))) (i32.const 4))
        (call $expect (call $rep-of (local.get $a)) (i32.const 40))
        (call $expect (call $rep-of (local.get $d)) (i32.const 60))
        ;; The middle's table: a moved own handle gets 1 there and frees
        ;; 2 here; a borrow gets the next free number there and is gone
        ;; after the call.
        (call $expect (local.tee $e (call $keep (local.get $b))) (i32.const 1))
        (call $expect (call $borrow-number (local.get $c)) (i32.const 2))
        (call $expect (call $borrow-number (local.get $c)) (i32.const 2))
        (call $expect (call $keep (call $make (i32.const 70))) (i32.const 2))
        (call $expect (call $borrow-number (local.get $a)) (i32.const 3))
        (call $release (local.get $e))
        (call $expect (call $dropped) (i32.const 3))
        (call $expect (call $borrow-number (local.get $a)) (i32.const 1))
        ;; The runner's 2 was freed by the move; 5 is new after it.
        (call $expect (call $make (i32.const 80)) (i32.const 2))
        (call $expect (call $make (i32.const 90)) (i32.const 5))
        (call $expect (call $rep-of (i32.const 5)) (i32.const 90))
        (call $drop (i32.const 1))
        (call $drop (i32.const 2))
        (call $drop (i32.const 3))
        (call $drop (i32.const 4))
        (call $drop (i32.const 5))
        (call $release (i32.const 2))
        (call $expect (call $dropped) (i32.const 9))))
    (core instance $i (instantiate $m (with "" (instance
      (export "make" (func $make)) (export "last" (func $last))
      (export "dropped" (func $dropped)) (export "rep-of" (func $rep-of))
      (export "keep" (func $keep)) (export "release" (func $release))
      (export "borrow-number" (func $borrow-number)) (export "drop" (func $drop))))))
    (func (export "run") (canon lift (core func $i "run"))))

  (instance $leaf (instantiate $leaf))
  (instance $middle (instantiate $middle (with "r" (type $leaf "r"))))
  (instance $runner (instantiate $runner
    (with "r" (type $leaf "r"))
    (with "make" (func $leaf "make"))
    (with "last" (func $leaf "last"))
    (with "dropped" (func $leaf "dropped"))
    (with "rep-of" (func $leaf "rep-of"))
    (with "keep" (func $middle "keep"))
    (with "release" (func $middle "release"))
    (with "borrow-number" (func $middle "borrow-number"))))
  (export "run" (func $runner "run")))
