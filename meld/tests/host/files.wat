;; A host resource `file` (from `test:host/files`) used by two components:
;; `user` creates, reads, drops, closes (own to the host) and hands a file
;; to `keeper` (own) after letting it peek (borrow). `run` returns the inner
;; handle numbers and what was read; `release` makes `keeper` drop its file;
;; `misuse` reads a dropped handle (traps).
(component
  (import "test:host/files" (instance $files
    (export "file" (type $file (sub resource)))
    (export "[constructor]file" (func (param "n" u32) (result (own $file))))
    (export "[method]file.read" (func (param "self" (borrow $file)) (result u32)))
    (export "close" (func (param "f" (own $file)) (result u32)))))

  (component $keeper
    (import "files" (instance $files
      (export "file" (type $file (sub resource)))
      (export "[method]file.read" (func (param "self" (borrow $file)) (result u32)))))
    (alias export $files "file" (type $file))
    (core func $read (canon lower (func $files "[method]file.read")))
    (core func $drop (canon resource.drop $file))
    (core module $m
      (import "" "read" (func $read (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (global $kept (mut i32) (i32.const 0))
      (func (export "keep") (param i32) (result i32)
        (global.set $kept (local.get 0))
        (i32.add (i32.mul (local.get 0) (i32.const 1000)) (call $read (local.get 0))))
      (func (export "peek") (param i32) (result i32) (local $r i32)
        (local.set $r (i32.add (i32.mul (local.get 0) (i32.const 1000)) (call $read (local.get 0))))
        (call $drop (local.get 0))
        (local.get $r))
      (func (export "release") (call $drop (global.get $kept))))
    (core instance $i (instantiate $m
      (with "" (instance (export "read" (func $read)) (export "drop" (func $drop))))))
    (func (export "keep") (param "f" (own $file)) (result u32) (canon lift (core func $i "keep")))
    (func (export "peek") (param "f" (borrow $file)) (result u32) (canon lift (core func $i "peek")))
    (func (export "release") (canon lift (core func $i "release"))))

  (component $user
    (import "files" (instance $files
      (export "file" (type $file (sub resource)))
      (export "[constructor]file" (func (param "n" u32) (result (own $file))))
      (export "[method]file.read" (func (param "self" (borrow $file)) (result u32)))
      (export "close" (func (param "f" (own $file)) (result u32)))))
    (alias export $files "file" (type $file))
    (import "keeper" (instance $keeper
      (export "keep" (func (param "f" (own $file)) (result u32)))
      (export "peek" (func (param "f" (borrow $file)) (result u32)))))
    (core func $ctor (canon lower (func $files "[constructor]file")))
    (core func $read (canon lower (func $files "[method]file.read")))
    (core func $close (canon lower (func $files "close")))
    (core func $drop (canon resource.drop $file))
    (core func $keep (canon lower (func $keeper "keep")))
    (core func $peek (canon lower (func $keeper "peek")))
    (core module $libc (memory (export "mem") 1))
    (core instance $libc (instantiate $libc))
    (core module $m
      (import "" "ctor" (func $ctor (param i32) (result i32)))
      (import "" "read" (func $read (param i32) (result i32)))
      (import "" "close" (func $close (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (import "" "keep" (func $keep (param i32) (result i32)))
      (import "" "peek" (func $peek (param i32) (result i32)))
      (import "libc" "mem" (memory 1))
      ;; Stores at 0.. : a, b, read(a), read(b), c, close(b), peek(c), keep(c), d
      (func (export "run") (result i32) (local $a i32) (local $b i32) (local $c i32)
        (local.set $a (call $ctor (i32.const 10)))
        (local.set $b (call $ctor (i32.const 20)))
        (i32.store (i32.const 0) (local.get $a))
        (i32.store (i32.const 4) (local.get $b))
        (i32.store (i32.const 8) (call $read (local.get $a)))
        (i32.store (i32.const 12) (call $read (local.get $b)))
        (call $drop (local.get $a))
        (local.set $c (call $ctor (i32.const 30)))
        (i32.store (i32.const 16) (local.get $c))
        (i32.store (i32.const 20) (call $close (local.get $b)))
        (i32.store (i32.const 24) (call $peek (local.get $c)))
        (i32.store (i32.const 28) (call $keep (local.get $c)))
        (i32.store (i32.const 32) (call $ctor (i32.const 40)))
        (i32.const 0))
      (func (export "misuse") (local $a i32)
        (local.set $a (call $ctor (i32.const 50)))
        (call $drop (local.get $a))
        (drop (call $read (local.get $a)))))
    (core instance $i (instantiate $m
      (with "libc" (instance $libc))
      (with "" (instance
        (export "ctor" (func $ctor)) (export "read" (func $read)) (export "close" (func $close))
        (export "drop" (func $drop)) (export "keep" (func $keep)) (export "peek" (func $peek))))))
    (type $r (tuple u32 u32 u32 u32 u32 u32 u32 u32 u32))
    (func (export "run") (result $r) (canon lift (core func $i "run") (memory $libc "mem")))
    (func (export "misuse") (canon lift (core func $i "misuse"))))

  (instance $k (instantiate $keeper (with "files" (instance $files))))
  (instance $u (instantiate $user (with "files" (instance $files)) (with "keeper" (instance $k))))
  (export "run" (func $u "run"))
  (export "misuse" (func $u "misuse"))
  (export "release" (func $k "release")))
