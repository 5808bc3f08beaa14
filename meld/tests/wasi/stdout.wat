;; Two components writing to WASI stdout (wasi:cli/stdout, wasi:io/streams
;; @0.2.12 as wasmtime-wasi 48 provides them). `writer` gets its own stdout
;; stream (own<output-stream>), writes a line with
;; `[method]output-stream.blocking-write-and-flush` (borrow + list<u8>),
;; checks the result is ok, drops the stream and returns its handle number.
;; `main` does the same around a call to `writer`, so stdout reads
;; "main: before\nwriter: hello\nmain: after\n"; `run` returns main's and
;; writer's handle numbers.
;; `too-long` makes `writer` write a line and then 4097 bytes in one
;; blocking-write-and-flush, which wasmtime-wasi refuses with a trap
;; ("Buffer too large"): stdout keeps the first line.
;; `drop-parent` makes `main` subscribe to its stream (a pollable, which
;; wasmtime-wasi records as a child of the stream) and drop the stream while
;; the pollable lives: the host traps.
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
      (func (param "self" (borrow $os)) (param "contents" (list u8)) (result (result (error $se)))))
    (export "[method]output-stream.subscribe" (func (param "self" (borrow $os)) (result (own $p))))))
  (alias export $streams "output-stream" (type $output-stream))
  (import "wasi:cli/stdout@0.2.12" (instance $stdout
    (alias outer 1 $output-stream (type $os0))
    (export "output-stream" (type $os (eq $os0)))
    (export "get-stdout" (func (result (own $os))))))

  (component $writer
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
    (core module $libc (memory (export "mem") 1))
    (core instance $libc (instantiate $libc))
    (core func $get (canon lower (func $stdout "get-stdout")))
    (core func $write (canon lower (func $streams "[method]output-stream.blocking-write-and-flush")
      (memory $libc "mem")))
    (core func $drop (canon resource.drop $output-stream))
    (core module $m
      (import "" "get" (func $get (result i32)))
      (import "" "write" (func $write (param i32 i32 i32 i32)))
      (import "" "drop" (func $drop (param i32)))
      (import "libc" "mem" (memory 1))
      (data (i32.const 64) "writer: hello\n")
      ;; Writes `len` bytes at `ptr` to `h`; traps unless the result is ok.
      (func $say (param $h i32) (param $ptr i32) (param $len i32)
        (call $write (local.get $h) (local.get $ptr) (local.get $len) (i32.const 0))
        (if (i32.load8_u (i32.const 0)) (then unreachable)))
      (func (export "run") (result i32) (local $h i32)
        (local.set $h (call $get))
        (call $say (local.get $h) (i32.const 64) (i32.const 14))
        (call $drop (local.get $h))
        (local.get $h))
      (func (export "too-long") (local $h i32)
        (local.set $h (call $get))
        (call $say (local.get $h) (i32.const 64) (i32.const 14))
        (call $say (local.get $h) (i32.const 1024) (i32.const 4097))
        (call $drop (local.get $h))))
    (core instance $i (instantiate $m
      (with "libc" (instance $libc))
      (with "" (instance
        (export "get" (func $get)) (export "write" (func $write)) (export "drop" (func $drop))))))
    (func (export "run") (result u32) (canon lift (core func $i "run")))
    (func (export "too-long") (canon lift (core func $i "too-long"))))

  (component $main
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
        (func (param "self" (borrow $os)) (param "contents" (list u8)) (result (result (error $se)))))
      (export "[method]output-stream.subscribe" (func (param "self" (borrow $os)) (result (own $p))))))
    (alias export $streams "output-stream" (type $output-stream))
    (import "wasi:cli/stdout@0.2.12" (instance $stdout
      (alias outer 1 $output-stream (type $os0))
      (export "output-stream" (type $os (eq $os0)))
      (export "get-stdout" (func (result (own $os))))))
    (import "writer" (instance $writer
      (export "run" (func (result u32)))
      (export "too-long" (func))))
    (core module $libc (memory (export "mem") 1))
    (core instance $libc (instantiate $libc))
    (core func $get (canon lower (func $stdout "get-stdout")))
    (core func $write (canon lower (func $streams "[method]output-stream.blocking-write-and-flush")
      (memory $libc "mem")))
    (core func $subscribe (canon lower (func $streams "[method]output-stream.subscribe")))
    (core func $drop (canon resource.drop $output-stream))
    (core func $drop-pollable (canon resource.drop $pollable))
    (core func $writer-run (canon lower (func $writer "run")))
    (core func $writer-too-long (canon lower (func $writer "too-long")))
    (core module $m
      (import "" "get" (func $get (result i32)))
      (import "" "write" (func $write (param i32 i32 i32 i32)))
      (import "" "subscribe" (func $subscribe (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (import "" "drop-pollable" (func $drop-pollable (param i32)))
      (import "" "writer-run" (func $writer-run (result i32)))
      (import "" "writer-too-long" (func $writer-too-long))
      (import "libc" "mem" (memory 1))
      (data (i32.const 64) "main: before\n")
      (data (i32.const 96) "main: after\n")
      (func $say (param $h i32) (param $ptr i32) (param $len i32)
        (call $write (local.get $h) (local.get $ptr) (local.get $len) (i32.const 0))
        (if (i32.load8_u (i32.const 0)) (then unreachable)))
      ;; Returns (main's handle, writer's handle) at 16.
      (func (export "run") (result i32) (local $h i32)
        (local.set $h (call $get))
        (call $say (local.get $h) (i32.const 64) (i32.const 13))
        (i32.store (i32.const 20) (call $writer-run))
        (call $say (local.get $h) (i32.const 96) (i32.const 12))
        (call $drop (local.get $h))
        (i32.store (i32.const 16) (local.get $h))
        (i32.const 16))
      (func (export "too-long")
        (call $writer-too-long))
      (func (export "drop-parent") (local $h i32) (local $p i32)
        (local.set $h (call $get))
        (local.set $p (call $subscribe (local.get $h)))
        (call $drop (local.get $h))
        (call $drop-pollable (local.get $p))))
    (core instance $i (instantiate $m
      (with "libc" (instance $libc))
      (with "" (instance
        (export "get" (func $get)) (export "write" (func $write))
        (export "subscribe" (func $subscribe)) (export "drop" (func $drop))
        (export "drop-pollable" (func $drop-pollable))
        (export "writer-run" (func $writer-run)) (export "writer-too-long" (func $writer-too-long))))))
    (func (export "run") (result (tuple u32 u32)) (canon lift (core func $i "run") (memory $libc "mem")))
    (func (export "too-long") (canon lift (core func $i "too-long")))
    (func (export "drop-parent") (canon lift (core func $i "drop-parent"))))

  (instance $w (instantiate $writer
    (with "wasi:io/error@0.2.12" (instance $error))
    (with "wasi:io/poll@0.2.12" (instance $poll))
    (with "wasi:io/streams@0.2.12" (instance $streams))
    (with "wasi:cli/stdout@0.2.12" (instance $stdout))))
  (instance $m (instantiate $main
    (with "wasi:io/error@0.2.12" (instance $error))
    (with "wasi:io/poll@0.2.12" (instance $poll))
    (with "wasi:io/streams@0.2.12" (instance $streams))
    (with "wasi:cli/stdout@0.2.12" (instance $stdout))
    (with "writer" (instance $w))))
  (export "run" (func $m "run"))
  (export "too-long" (func $m "too-long"))
  (export "drop-parent" (func $m "drop-parent")))
