;; Root exports passing handles of the host resource `file`: `open`
;; returns an own handle, `consume` takes one (and closes it), `peek` and
;; `hold` borrow one (`hold` keeps the borrow: traps), `keep` stores an own
;; handle that `give` returns, `pick` takes an `option<borrow<file>>` and an
;; own handle it drops. Each returns inner handle numbers with what it read.
(component
  (import "test:host/files" (instance $files
    (export "file" (type $file (sub resource)))
    (export "[constructor]file" (func (param "n" u32) (result (own $file))))
    (export "[method]file.read" (func (param "self" (borrow $file)) (result u32)))
    (export "close" (func (param "f" (own $file)) (result u32)))))

  (component $user
    (import "files" (instance $files
      (export "file" (type $file (sub resource)))
      (export "[constructor]file" (func (param "n" u32) (result (own $file))))
      (export "[method]file.read" (func (param "self" (borrow $file)) (result u32)))
      (export "close" (func (param "f" (own $file)) (result u32)))))
    (alias export $files "file" (type $file))
    (core func $ctor (canon lower (func $files "[constructor]file")))
    (core func $read (canon lower (func $files "[method]file.read")))
    (core func $close (canon lower (func $files "close")))
    (core func $drop (canon resource.drop $file))
    (core module $m
      (import "" "ctor" (func $ctor (param i32) (result i32)))
      (import "" "read" (func $read (param i32) (result i32)))
      (import "" "close" (func $close (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (global $kept (mut i32) (i32.const 0))
      (func (export "open") (param i32) (result i32) (call $ctor (local.get 0)))
      (func (export "consume") (param i32) (result i32)
        (i32.add (i32.mul (local.get 0) (i32.const 1000)) (call $close (local.get 0))))
      (func (export "peek") (param i32) (result i32) (local $r i32)
        (local.set $r (i32.add (i32.mul (local.get 0) (i32.const 1000)) (call $read (local.get 0))))
        (call $drop (local.get 0))
        (local.get $r))
      (func (export "hold") (param i32) (result i32) (call $read (local.get 0)))
      (func (export "keep") (param i32) (global.set $kept (local.get 0)))
      (func (export "give") (result i32) (global.get $kept))
      (func (export "pick") (param i32 i32 i32) (result i32) (local $r i32)
        (if (local.get 0)
          (then
            (local.set $r (i32.add (i32.mul (local.get 1) (i32.const 1000)) (call $read (local.get 1))))
            (call $drop (local.get 1))))
        (local.set $r (i32.add (i32.mul (local.get $r) (i32.const 100000))
          (i32.add (i32.mul (local.get 2) (i32.const 1000)) (call $read (local.get 2)))))
        (call $drop (local.get 2))
        (local.get $r)))
    (core instance $i (instantiate $m
      (with "" (instance
        (export "ctor" (func $ctor)) (export "read" (func $read))
        (export "close" (func $close)) (export "drop" (func $drop))))))
    (func (export "open") (param "n" u32) (result (own $file)) (canon lift (core func $i "open")))
    (func (export "consume") (param "f" (own $file)) (result u32) (canon lift (core func $i "consume")))
    (func (export "peek") (param "f" (borrow $file)) (result u32) (canon lift (core func $i "peek")))
    (func (export "hold") (param "f" (borrow $file)) (result u32) (canon lift (core func $i "hold")))
    (func (export "keep") (param "f" (own $file)) (canon lift (core func $i "keep")))
    (func (export "give") (result (own $file)) (canon lift (core func $i "give")))
    (func (export "pick") (param "a" (option (borrow $file))) (param "b" (own $file)) (result u32)
      (canon lift (core func $i "pick"))))

  (instance $user (instantiate $user (with "files" (instance $files))))
  (export "open" (func $user "open"))
  (export "consume" (func $user "consume"))
  (export "peek" (func $user "peek"))
  (export "hold" (func $user "hold"))
  (export "keep" (func $user "keep"))
  (export "give" (func $user "give"))
  (export "pick" (func $user "pick")))
