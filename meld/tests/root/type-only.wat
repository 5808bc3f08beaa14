(component
  (core module $state
    (global (export "dropped") (mut i32) (i32.const 0))
    (func (export "dtor") (param i32) (global.set 0 (i32.add (global.get 0) (i32.const 1)))))
  (core instance $s (instantiate $state))
  (type $r' (resource (rep i32) (dtor (func $s "dtor"))))
  (type $q' (resource (rep i32) (dtor (func $s "dtor"))))
  (type $unused' (resource (rep i32) (dtor (func $s "dtor"))))
  ;; Exported at the root and in an interface; no exported function passes
  ;; handles of any; `r` is used inside, `unused` and `q` are not.
  (export $r "r" (type $r'))
  (export "unused" (type $unused'))
  (instance $iface (export "q" (type $q')))
  (export "test:types/iface" (instance $iface))
  (core func $new (canon resource.new $r'))
  (core func $drop (canon resource.drop $r'))
  (core module $m
    (import "s" "dropped" (global $d (mut i32)))
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (func (export "run") (result i32)
      (call $drop (call $new (i32.const 7)))
      (call $drop (call $new (i32.const 8)))
      (global.get $d)))
  (core instance $i (instantiate $m (with "s" (instance $s))
    (with "" (instance (export "new" (func $new)) (export "drop" (func $drop))))))
  (func (export "run") (result u32) (canon lift (core func $i "run"))))
