;; A plug exporting `wasi:clocks/wall-clock@0.2.12` (as wit-component
;; would encode it: the functions lifted at the root, then exported from an
;; instance of a small component that names `datetime`), answering a fixed
;; time: 1000000 s and 7 ns. `wasi:filesystem/types` `use`s its
;; `datetime`, so a socket plugged with it must keep that `use`.
(component
  (core module $m
    (memory (export "memory") 1)
    (data (i32.const 16) "\40\42\0f\00\00\00\00\00\07\00\00\00")
    (func (export "now") (result i32) i32.const 16)
    (func (export "resolution") (result i32) i32.const 16))
  (core instance $i (instantiate $m))
  (type $datetime (record (field "seconds" u64) (field "nanoseconds" u32)))
  (type $clock (func (result $datetime)))
  (func $now (type $clock) (canon lift (core func $i "now") (memory $i "memory")))
  (func $resolution (type $clock) (canon lift (core func $i "resolution") (memory $i "memory")))
  (component $interface
    (type $dt (record (field "seconds" u64) (field "nanoseconds" u32)))
    (import "import-type-datetime" (type $imported (eq $dt)))
    (import "import-func-now" (func $now (result $imported)))
    (import "import-func-resolution" (func $resolution (result $imported)))
    (export $exported "datetime" (type $imported))
    (export "now" (func $now) (func (result $exported)))
    (export "resolution" (func $resolution) (func (result $exported))))
  (instance $clock (instantiate $interface
    (with "import-type-datetime" (type $datetime))
    (with "import-func-now" (func $now))
    (with "import-func-resolution" (func $resolution))))
  (export "wasi:clocks/wall-clock@0.2.12" (instance $clock)))
