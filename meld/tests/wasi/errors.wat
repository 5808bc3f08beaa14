;; Stream errors carrying a host handle through two components. The host's
;; stdout takes 16 bytes, then fails. `writer` exports
;; `write: func(contents: list<u8>) -> result<_, stream-error>`: it gets
;; stdout, calls `[method]output-stream.blocking-write-and-flush`, drops the
;; stream and returns the host's result as it is, so a
;; `last-operation-failed(own<error>)` moves from the host into `writer`'s
;; table and on into `main`'s. `main` writes three times: 13 bytes (ok), 10
;; bytes (3 fit, then last-operation-failed; `main` reads the error with
;; `[method]error.to-debug-string` and drops it) and 4 bytes (closed).
;; `run` returns the three outcomes (0 ok, 1 last-operation-failed, 2
;; closed) and the error's debug string.
(component
  (import "wasi:io/error@0.2.12" (instance $error
    (export "error" (type $e (sub resource)))
    (export "[method]error.to-debug-string" (func (param "self" (borrow $e)) (result string)))))
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
    (alias export $streams "stream-error" (type $stream-error))
    (import "wasi:cli/stdout@0.2.12" (instance $stdout
      (alias outer 1 $output-stream (type $os0))
      (export "output-stream" (type $os (eq $os0)))
      (export "get-stdout" (func (result (own $os))))))
    (core module $libc
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (local $p i32)
        (local.set $p (global.get $next))
        (global.set $next (i32.add (local.get $p) (local.get 3)))
        (local.get $p)))
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
      ;; The host's result<_, stream-error> at 0 is returned unchanged.
      (func (export "write") (param $ptr i32) (param $len i32) (result i32) (local $h i32)
        (local.set $h (call $get))
        (call $write (local.get $h) (local.get $ptr) (local.get $len) (i32.const 0))
        (call $drop (local.get $h))
        (i32.const 0)))
    (core instance $i (instantiate $m
      (with "libc" (instance $libc))
      (with "" (instance
        (export "get" (func $get)) (export "write" (func $write)) (export "drop" (func $drop))))))
    (func (export "write") (param "contents" (list u8)) (result (result (error $stream-error)))
      (canon lift (core func $i "write") (memory $libc "mem") (realloc (func $libc "realloc")))))

  (component $main
    (import "wasi:io/error@0.2.12" (instance $error
      (export "error" (type $e (sub resource)))
      (export "[method]error.to-debug-string" (func (param "self" (borrow $e)) (result string)))))
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
      (export "stream-error" (type $se (eq $se0)))))
    (alias export $streams "stream-error" (type $stream-error))
    (import "writer" (instance $writer
      (alias outer 1 $stream-error (type $se))
      (export "write" (func (param "contents" (list u8)) (result (result (error $se)))))))
    (core module $libc
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (local $p i32)
        (local.set $p (global.get $next))
        (global.set $next (i32.add (local.get $p) (local.get 3)))
        (local.get $p)))
    (core instance $libc (instantiate $libc))
    (core func $write (canon lower (func $writer "write") (memory $libc "mem")))
    (core func $debug (canon lower (func $error "[method]error.to-debug-string")
      (memory $libc "mem") (realloc (func $libc "realloc"))))
    (core func $drop-error (canon resource.drop $error))
    (core module $m
      (import "" "write" (func $write (param i32 i32 i32)))
      (import "" "debug" (func $debug (param i32 i32)))
      (import "" "drop-error" (func $drop-error (param i32)))
      (import "libc" "mem" (memory 1))
      (data (i32.const 64) "hello, wasi!\n")
      (data (i32.const 96) "0123456789")
      (data (i32.const 112) "more")
      ;; 0 ok, 1 last-operation-failed, 2 closed, of the result at `p`.
      (func $code (param $p i32) (result i32)
        (if (result i32) (i32.load8_u (local.get $p))
          (then (i32.add (i32.const 1) (i32.load8_u offset=4 (local.get $p))))
          (else (i32.const 0))))
      ;; Returns (code, code, code, debug string) at 16.
      (func (export "run") (result i32)
        (call $write (i32.const 64) (i32.const 13) (i32.const 200))
        (i32.store (i32.const 16) (call $code (i32.const 200)))
        (call $write (i32.const 96) (i32.const 10) (i32.const 200))
        (i32.store (i32.const 20) (call $code (i32.const 200)))
        (if (i32.eq (i32.load (i32.const 20)) (i32.const 1))
          (then
            (call $debug (i32.load (i32.const 208)) (i32.const 28))
            (call $drop-error (i32.load (i32.const 208)))))
        (call $write (i32.const 112) (i32.const 4) (i32.const 200))
        (i32.store (i32.const 24) (call $code (i32.const 200)))
        (i32.const 16)))
    (core instance $i (instantiate $m
      (with "libc" (instance $libc))
      (with "" (instance
        (export "write" (func $write)) (export "debug" (func $debug))
        (export "drop-error" (func $drop-error))))))
    (func (export "run") (result (tuple u32 u32 u32 string))
      (canon lift (core func $i "run") (memory $libc "mem"))))

  (instance $w (instantiate $writer
    (with "wasi:io/error@0.2.12" (instance $error))
    (with "wasi:io/poll@0.2.12" (instance $poll))
    (with "wasi:io/streams@0.2.12" (instance $streams))
    (with "wasi:cli/stdout@0.2.12" (instance $stdout))))
  (instance $m (instantiate $main
    (with "wasi:io/error@0.2.12" (instance $error))
    (with "wasi:io/poll@0.2.12" (instance $poll))
    (with "wasi:io/streams@0.2.12" (instance $streams))
    (with "writer" (instance $w))))
  (export "run" (func $m "run")))
