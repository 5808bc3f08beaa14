;; Host functions of `test:host/files` passing handles of the host resource
;; `file` where a variant joins them with other flat types, called by a
;; nested component:
;; - `take: func(r: result<own<file>, u64>) -> u64` flattens to `i32 i64`:
;;   the handle is the low half of the `i64` (once with junk in the high
;;   half, which lifting ignores);
;; - `peek: func(v: pv) -> f64`, `variant pv { a(tuple<borrow<file>, f32>),
;;   b(tuple<u64, f64>) }` flattens to `i32 i64 i64` (`f32` and `f64` join
;;   into `i64` too): a borrow in the first `i64`, its `f32` neighbour in
;;   the low half of the second;
;; - `open: func(n: u32) -> result<own<file>, u64>` returns through memory;
;; - `deep: func(x: result<option<own<file>>, tuple<u64, u64>>) -> u64`
;;   flattens to `i32 i64 i64`: the option's discriminant and its handle
;;   both sit in `i64`s (the discriminant once with junk in the high half).
;; `run` returns, in order, every inner handle it got and every result.
(component
  (import "test:host/files" (instance $files
    (export "file" (type $file (sub resource)))
    (type $pv' (variant (case "a" (tuple (borrow $file) f32)) (case "b" (tuple u64 f64))))
    (export "pv" (type $pv (eq $pv')))
    (export "[constructor]file" (func (param "n" u32) (result (own $file))))
    (export "[method]file.read" (func (param "self" (borrow $file)) (result u32)))
    (export "take" (func (param "r" (result (own $file) (error u64))) (result u64)))
    (export "peek" (func (param "v" $pv) (result f64)))
    (export "open" (func (param "n" u32) (result (result (own $file) (error u64)))))
    (export "deep" (func (param "x" (result (option (own $file)) (error (tuple u64 u64)))) (result u64)))))

  (component $user
    (import "files" (instance $files
      (export "file" (type $file (sub resource)))
      (type $pv' (variant (case "a" (tuple (borrow $file) f32)) (case "b" (tuple u64 f64))))
      (export "pv" (type $pv (eq $pv')))
      (export "[constructor]file" (func (param "n" u32) (result (own $file))))
      (export "[method]file.read" (func (param "self" (borrow $file)) (result u32)))
      (export "take" (func (param "r" (result (own $file) (error u64))) (result u64)))
      (export "peek" (func (param "v" $pv) (result f64)))
      (export "open" (func (param "n" u32) (result (result (own $file) (error u64)))))
      (export "deep" (func (param "x" (result (option (own $file)) (error (tuple u64 u64)))) (result u64)))))
    (alias export $files "file" (type $file))
    ;; A resource of its own, whose handle shifts its handle numbers from
    ;; the ones the host's handles have outside the composition.
    (type $local (resource (rep i32)))
    (core func $local (canon resource.new $local))
    (core module $libc (memory (export "mem") 1))
    (core instance $libc (instantiate $libc))
    (core func $ctor (canon lower (func $files "[constructor]file")))
    (core func $read (canon lower (func $files "[method]file.read")))
    (core func $take (canon lower (func $files "take")))
    (core func $peek (canon lower (func $files "peek")))
    (core func $open (canon lower (func $files "open") (memory $libc "mem")))
    (core func $deep (canon lower (func $files "deep")))
    (core func $drop (canon resource.drop $file))
    (core module $m
      (import "" "ctor" (func $ctor (param i32) (result i32)))
      (import "" "read" (func $read (param i32) (result i32)))
      (import "" "take" (func $take (param i32 i64) (result i64)))
      (import "" "peek" (func $peek (param i32 i64 i64) (result f64)))
      (import "" "open" (func $open (param i32 i32)))
      (import "" "deep" (func $deep (param i32 i64 i64) (result i64)))
      (import "" "drop" (func $drop (param i32)))
      (import "" "local" (func $local (param i32) (result i32)))
      (import "libc" "mem" (memory 1))
      (global $n (mut i32) (i32.const 0))
      ;; Appends to the `list<u64>` at 1024.
      (func $out (param i64)
        (i64.store (i32.add (i32.const 1024) (i32.shl (global.get $n) (i32.const 3))) (local.get 0))
        (global.set $n (i32.add (global.get $n) (i32.const 1))))
      (func $out32 (param i32) (call $out (i64.extend_i32_u (local.get 0))))
      (func (export "run") (result i32) (local $h i32) (local $g i32)
        ;; Decoys, so that inner handle numbers differ from the host's reps
        ;; and from the handles the host lends.
        (drop (call $local (i32.const 0)))
        (drop (call $ctor (i32.const 90)))
        (drop (call $ctor (i32.const 91)))
        ;; take: ok, err, ok with junk in the high half
        (local.set $h (call $ctor (i32.const 1)))
        (call $out32 (local.get $h))
        (call $out (call $take (i32.const 0) (i64.extend_i32_u (local.get $h))))
        (call $out (call $take (i32.const 1) (i64.const 0x100000005)))
        (local.set $h (call $ctor (i32.const 2)))
        (call $out32 (local.get $h))
        (call $out (call $take (i32.const 0)
          (i64.or (i64.extend_i32_u (local.get $h)) (i64.const 0x7fff000000000000))))
        ;; peek: a borrow beside an f32 (its bits in an i64), the other case
        (local.set $h (call $ctor (i32.const 3)))
        (call $out32 (local.get $h))
        (call $out (i64.reinterpret_f64 (call $peek (i32.const 0) (i64.extend_i32_u (local.get $h))
          (i64.extend_i32_u (i32.reinterpret_f32 (f32.const 1.5))))))
        (call $out32 (call $read (local.get $h)))
        (call $out (i64.reinterpret_f64 (call $peek (i32.const 1) (i64.const 7) (i64.reinterpret_f64 (f64.const 2.25)))))
        ;; open: ok (a new handle), err
        (call $open (i32.const 4) (i32.const 64))
        (call $out32 (i32.load8_u (i32.const 64)))
        (local.set $g (i32.load (i32.const 72)))
        (call $out32 (local.get $g))
        (call $out32 (call $read (local.get $g)))
        (call $open (i32.const 0) (i32.const 64))
        (call $out32 (i32.load8_u (i32.const 64)))
        (call $out (i64.load (i32.const 72)))
        ;; deep: ok(some) with junk above the option's discriminant, ok(none), err
        (call $drop (local.get $g))
        (local.set $g (call $ctor (i32.const 5)))
        (call $out32 (local.get $g))
        (call $out (call $deep (i32.const 0) (i64.const 0x500000001) (i64.extend_i32_u (local.get $g))))
        (call $out (call $deep (i32.const 0) (i64.const 0) (i64.const 0)))
        (call $out (call $deep (i32.const 1) (i64.const 8) (i64.const 9)))
        (call $drop (local.get $h))
        (i32.store (i32.const 0) (i32.const 1024))
        (i32.store (i32.const 4) (global.get $n))
        (i32.const 0)))
    (core instance $i (instantiate $m
      (with "libc" (instance $libc))
      (with "" (instance
        (export "ctor" (func $ctor)) (export "read" (func $read)) (export "take" (func $take))
        (export "peek" (func $peek)) (export "open" (func $open)) (export "deep" (func $deep))
        (export "drop" (func $drop)) (export "local" (func $local))))))
    (func (export "run") (result (list u64)) (canon lift (core func $i "run") (memory $libc "mem"))))

  (instance $u (instantiate $user (with "files" (instance $files))))
  (export "run" (func $u "run")))
