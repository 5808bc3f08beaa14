;; Dropping an own handle while it is lent, reached through the host: the
;; runner lends its handle to `middle` (`lend`), whose `use` calls the host
;; import `cb`; the host then calls the root export `drop-it`, re-entering
;; the runner, which drops the handle it lent. The drop must trap.
(component
  (import "cb" (func $cb))
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
    (import "cb" (func $cb))
    (core func $cb (canon lower (func $cb)))
    (core module $m
      (import "" "cb" (func $cb))
      (func (export "use") (param i32) (call $cb)))
    (core instance $i (instantiate $m (with "" (instance (export "cb" (func $cb))))))
    (func (export "use") (param "b" (borrow $r)) (canon lift (core func $i "use"))))
  (component $runner
    (import "r" (type $r (sub resource)))
    (import "make" (func $make (param "rep" u32) (result (own $r))))
    (import "use" (func $use (param "b" (borrow $r))))
    (core func $make (canon lower (func $make)))
    (core func $use (canon lower (func $use)))
    (core func $drop (canon resource.drop $r))
    (core module $m
      (import "" "make" (func $make (param i32) (result i32)))
      (import "" "use" (func $use (param i32)))
      (import "" "drop" (func $drop (param i32)))
      (global $h (mut i32) (i32.const 0))
      (func (export "make-one") (result i32)
        (global.set $h (call $make (i32.const 7)))
        (global.get $h))
      (func (export "lend") (call $use (global.get $h)))
      (func (export "drop-it") (call $drop (global.get $h))))
    (core instance $i (instantiate $m (with "" (instance
      (export "make" (func $make)) (export "use" (func $use)) (export "drop" (func $drop))))))
    (func (export "make-one") (result u32) (canon lift (core func $i "make-one")))
    (func (export "lend") (canon lift (core func $i "lend")))
    (func (export "drop-it") (canon lift (core func $i "drop-it"))))
  (instance $leaf (instantiate $leaf))
  (instance $middle (instantiate $middle (with "r" (type $leaf "r")) (with "cb" (func $cb))))
  (instance $runner (instantiate $runner
    (with "r" (type $leaf "r")) (with "make" (func $leaf "make")) (with "use" (func $middle "use"))))
  (export "make-one" (func $runner "make-one"))
  (export "lend" (func $runner "lend"))
  (export "drop-it" (func $runner "drop-it")))
