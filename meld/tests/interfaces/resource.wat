;; An interface exporting a resource defined inside the composition, with a
;; constructor, a method, a static function and a `dropped` counter that
;; makes the destructor observable.
(component
  (core module $state
    (global (export "dropped") (mut i32) (i32.const 0))
    (func (export "dtor") (param i32) (global.set 0 (i32.add (global.get 0) (i32.const 1)))))
  (core instance $s (instantiate $state))
  (type $r (resource (rep i32) (dtor (func $s "dtor"))))
  (core func $new (canon resource.new $r))
  (core func $rep (canon resource.rep $r))
  (core func $drop (canon resource.drop $r))
  (core module $m
    (import "s" "dropped" (global $d (mut i32)))
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "rep" (func $rep (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (func (export "ctor") (param i32) (result i32) (call $new (i32.mul (local.get 0) (i32.const 2))))
    (func (export "get") (param i32) (result i32) (local.get 0))
    (func (export "consume") (param i32) (result i32) (local $rep i32)
      (local.set $rep (call $rep (local.get 0)))
      (call $drop (local.get 0))
      (local.get $rep))
    (func (export "dropped") (result i32) (global.get $d)))
  (core instance $i (instantiate $m (with "s" (instance $s))
    (with "" (instance (export "new" (func $new)) (export "rep" (func $rep)) (export "drop" (func $drop))))))
  (func $ctor (param "x" u32) (result (own $r)) (canon lift (core func $i "ctor")))
  (func $get (param "self" (borrow $r)) (result u32) (canon lift (core func $i "get")))
  (func $consume (param "x" (own $r)) (result u32) (canon lift (core func $i "consume")))
  (func $dropped (result u32) (canon lift (core func $i "dropped")))
  ;; As wit-component does it: a bag of exports cannot export resource
  ;; methods, so a nested component re-exports the interface.
  (component $iface
    (import "import-type-r" (type $r (sub resource)))
    (import "import-func-ctor" (func $ctor (param "x" u32) (result (own $r))))
    (import "import-func-get" (func $get (param "self" (borrow $r)) (result u32)))
    (import "import-func-consume" (func $consume (param "x" (own $r)) (result u32)))
    (import "import-func-dropped" (func $dropped (result u32)))
    (export $r2 "r" (type $r))
    (export "[constructor]r" (func $ctor) (func (param "x" u32) (result (own $r2))))
    (export "[method]r.get" (func $get) (func (param "self" (borrow $r2)) (result u32)))
    (export "[static]r.consume" (func $consume) (func (param "x" (own $r2)) (result u32)))
    (export "dropped" (func $dropped)))
  (instance $api (instantiate $iface
    (with "import-type-r" (type $r))
    (with "import-func-ctor" (func $ctor))
    (with "import-func-get" (func $get))
    (with "import-func-consume" (func $consume))
    (with "import-func-dropped" (func $dropped))))
  (export "my:pkg/res" (instance $api)))
