;; One component, no nesting, importing WASI directly: it writes a line to
;; stdout (wasi:cli/stdout, wasi:io/streams) and returns
;; wasi:random/insecure-seed's seed (the host sets it) and its stdout
;; handle number.
(component
  (import "wasi:io/error@0.2.12" (instance $error
    (export "error" (type (sub resource)))))
  (alias export $error "error" (type $error))
  (import "wasi:io/poll@0.2.12" (instance $poll
    (export "pollable" (type (sub resource)))))
  (alias export $poll "pollable" (type $pollable))
  (import "wasi:io/streams@0.2.12" (instance $streams
    (alias outer 1 $error (type $e0))
    (export "error" (type $e (eq $e0)))
    (alias outer 1 $pollable (type $p0))
    (export "pollable" (type $p (eq $p0)))
    (type $se0 (variant (case "last-operation-failed" (own $e)) (case "closed")))
    (export "stream-error" (type $se (eq $se0)))
    (export "output-stream" (type $os (sub resource)))
    (export "[method]output-stream.blocking-write-and-flush"
      (func (param "self" (borrow $os)) (param "contents" (list u8)) (result (result (error $se)))))))
  (alias export $streams "output-stream" (type $output-stream))
  (import "wasi:cli/stdout@0.2.12" (instance $stdout
    (alias outer 1 $output-stream (type $os0))
    (export "output-stream" (type $os (eq $os0)))
    (export "get-stdout" (func (result (own $os))))))
  (import "wasi:random/insecure-seed@0.2.12" (instance $seed
    (export "insecure-seed" (func (result (tuple u64 u64))))))

  (core module $libc (memory (export "mem") 1))
  (core instance $libc (instantiate $libc))
  (core func $get (canon lower (func $stdout "get-stdout")))
  (core func $write (canon lower (func $streams "[method]output-stream.blocking-write-and-flush")
    (memory $libc "mem")))
  (core func $drop (canon resource.drop $output-stream))
  (core func $seed (canon lower (func $seed "insecure-seed") (memory $libc "mem")))
  (core module $m
    (import "" "get" (func $get (result i32)))
    (import "" "write" (func $write (param i32 i32 i32 i32)))
    (import "" "drop" (func $drop (param i32)))
    (import "" "seed" (func $seed (param i32)))
    (import "libc" "mem" (memory 1))
    (data (i32.const 64) "single: hello\n")
    ;; Returns (seed.0, seed.1, handle) at 16.
    (func (export "run") (result i32) (local $h i32)
      (local.set $h (call $get))
      (call $write (local.get $h) (i32.const 64) (i32.const 14) (i32.const 0))
      (if (i32.load8_u (i32.const 0)) (then unreachable))
      (call $drop (local.get $h))
      (call $seed (i32.const 16))
      (i32.store (i32.const 32) (local.get $h))
      (i32.const 16)))
  (core instance $i (instantiate $m
    (with "libc" (instance $libc))
    (with "" (instance
      (export "get" (func $get)) (export "write" (func $write))
      (export "drop" (func $drop)) (export "seed" (func $seed))))))
  (func (export "run") (result (tuple u64 u64 u32))
    (canon lift (core func $i "run") (memory $libc "mem"))))
