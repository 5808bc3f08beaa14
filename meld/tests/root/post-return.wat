;; A root-exported resource whose constructor has a post-return function:
;; it records the value it receives, which must be the inner handle the
;; core function returned (not the wrapper's handle).
(component
  (type $r' (resource (rep i32)))
  (export $r "r" (type $r'))
  (core func $new (canon resource.new $r'))
  (core module $m
    (import "" "new" (func $new (param i32) (result i32)))
    (global $posted (mut i32) (i32.const -1))
    (global $made (mut i32) (i32.const 0))
    (func (export "ctor") (param i32) (result i32)
      (drop (call $new (i32.const 0)))
      (global.set $made (i32.add (global.get $made) (i32.const 1)))
      (call $new (local.get 0)))
    (func (export "post") (param i32) (global.set $posted (local.get 0)))
    (func (export "posted") (result i32) (global.get $posted)))
  (core instance $i (instantiate $m (with "" (instance (export "new" (func $new))))))
  (func (export "[constructor]r") (param "x" u32) (result (own $r))
    (canon lift (core func $i "ctor") (post-return (func $i "post"))))
  (func (export "posted") (result u32) (canon lift (core func $i "posted"))))
