;; The wasi:http `incoming-handler` shape as wit-component encodes it: the
;; exported interface re-exports the host resource type its functions use
;; (`use types.{incoming-request}` becomes `(export "incoming-request"
;; (type (eq ..)))` in the exported instance), and the root re-exports it
;; too. Otherwise as `export-interface-handles.wat`: `handle` takes an own
;; handle (and closes it), `inspect` borrows one, `make` returns an own one,
;; `discard` drops an own one (the host's destructor runs). The interface
;; also exports a record holding an own handle, `holder`, which `hold`
;; returns (made with the host's constructor).
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
      (memory (export "mem") 1)
      (func (export "handle") (param i32) (result i32)
        (i32.add (i32.mul (local.get 0) (i32.const 1000)) (call $close (local.get 0))))
      (func (export "inspect") (param i32) (result i32) (local $r i32)
        (local.set $r (i32.add (i32.mul (local.get 0) (i32.const 1000)) (call $read (local.get 0))))
        (call $drop (local.get 0))
        (local.get $r))
      (func (export "make") (result i32) (call $ctor (i32.const 42)))
      (func (export "hold") (result i32)
        (i32.store (i32.const 16) (call $ctor (i32.const 43)))
        (i32.store (i32.const 20) (i32.const 5))
        (i32.const 16))
      (func (export "discard") (param i32) (call $drop (local.get 0))))
    (core instance $i (instantiate $m
      (with "" (instance
        (export "ctor" (func $ctor)) (export "read" (func $read))
        (export "close" (func $close)) (export "drop" (func $drop))))))
    (func $handle (param "f" (own $file)) (result u32) (canon lift (core func $i "handle")))
    (func $inspect (param "f" (borrow $file)) (result u32) (canon lift (core func $i "inspect")))
    (func $make (result (own $file)) (canon lift (core func $i "make")))
    (type $holder (record (field "f" (own $file)) (field "n" u32)))
    (func $hold (result $holder) (canon lift (core func $i "hold") (memory $i "mem")))
    (func $discard (param "f" (own $file)) (canon lift (core func $i "discard")))
    (instance $handler
      (export "file" (type $file))
      (export "handle" (func $handle))
      (export "inspect" (func $inspect))
      (export "make" (func $make))
      (export "holder" (type $holder))
      (export "hold" (func $hold))
      (export "discard" (func $discard)))
    (export "test:app/handler" (instance $handler)))

  (instance $user (instantiate $user (with "files" (instance $files))))
  (export "test:app/handler" (instance $user "test:app/handler"))
  (alias export $files "file" (type $file))
  (export "file" (type $file)))
