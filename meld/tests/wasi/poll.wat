;; Clocks and poll across two components. `timer` exports
;; `subscribe: func(nanos: u64) -> own<pollable>` (wasi:clocks/monotonic-clock
;; `subscribe-duration`), handing the host's pollable on to `main`. `main`
;; subscribes 0 ns, one hour and 0 ns, asks `[method]pollable.ready` of the
;; two zero ones (false: wasmtime-wasi's zero-duration pollable yields once to
;; tokio before it is ready; a pollable not asked first would make `poll`
;; return the other alone), polls all three with `wasi:io/poll.poll` (a
;; list<borrow<pollable>>), asks `ready` of each again and drops them. `run`
;; returns the ready indices poll gave ([0, 2]) and the five `ready` answers.
(component
  (import "wasi:io/poll@0.2.12" (instance $poll
    (export "pollable" (type $p (sub resource)))
    (export "[method]pollable.ready" (func (param "self" (borrow $p)) (result bool)))
    (export "poll" (func (param "in" (list (borrow $p))) (result (list u32))))))
  (alias export $poll "pollable" (type $pollable))
  (import "wasi:clocks/monotonic-clock@0.2.12" (instance $clock
    (alias outer 1 $pollable (type $p0))
    (export "pollable" (type $p (eq $p0)))
    (type $d0 u64)
    (export "duration" (type $d (eq $d0)))
    (export "subscribe-duration" (func (param "when" $d) (result (own $p))))))

  (component $timer
    (import "wasi:io/poll@0.2.12" (instance $poll
      (export "pollable" (type (sub resource)))))
    (alias export $poll "pollable" (type $pollable))
    (import "wasi:clocks/monotonic-clock@0.2.12" (instance $clock
      (alias outer 1 $pollable (type $p0))
      (export "pollable" (type $p (eq $p0)))
      (type $d0 u64)
      (export "duration" (type $d (eq $d0)))
      (export "subscribe-duration" (func (param "when" $d) (result (own $p))))))
    (core func $subscribe (canon lower (func $clock "subscribe-duration")))
    (core module $m
      (import "" "subscribe" (func $subscribe (param i64) (result i32)))
      (func (export "subscribe") (param i64) (result i32)
        (call $subscribe (local.get 0))))
    (core instance $i (instantiate $m
      (with "" (instance (export "subscribe" (func $subscribe))))))
    (func (export "subscribe") (param "nanos" u64) (result (own $pollable))
      (canon lift (core func $i "subscribe"))))

  (component $main
    (import "wasi:io/poll@0.2.12" (instance $poll
      (export "pollable" (type $p (sub resource)))
      (export "[method]pollable.ready" (func (param "self" (borrow $p)) (result bool)))
      (export "poll" (func (param "in" (list (borrow $p))) (result (list u32))))))
    (alias export $poll "pollable" (type $pollable))
    (import "timer" (instance $timer
      (alias outer 1 $pollable (type $p))
      (export "subscribe" (func (param "nanos" u64) (result (own $p))))))
    (core module $libc
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (local $p i32)
        (local.set $p (global.get $next))
        (global.set $next (i32.add (local.get $p) (local.get 3)))
        (local.get $p)))
    (core instance $libc (instantiate $libc))
    (core func $subscribe (canon lower (func $timer "subscribe")))
    (core func $ready (canon lower (func $poll "[method]pollable.ready")))
    (core func $poll (canon lower (func $poll "poll")
      (memory $libc "mem") (realloc (func $libc "realloc"))))
    (core func $drop (canon resource.drop $pollable))
    (core module $m
      (import "" "subscribe" (func $subscribe (param i64) (result i32)))
      (import "" "ready" (func $ready (param i32) (result i32)))
      (import "" "poll" (func $poll (param i32 i32 i32)))
      (import "" "drop" (func $drop (param i32)))
      (import "libc" "mem" (memory 1))
      ;; Pollables at 100, 104, 108; returns (list, ready × 5) at 16.
      (func (export "run") (result i32)
        (i32.store (i32.const 100) (call $subscribe (i64.const 0)))
        (i32.store (i32.const 104) (call $subscribe (i64.const 3600000000000)))
        (i32.store (i32.const 108) (call $subscribe (i64.const 0)))
        (i32.store8 (i32.const 24) (call $ready (i32.load (i32.const 100))))
        (i32.store8 (i32.const 25) (call $ready (i32.load (i32.const 108))))
        (call $poll (i32.const 100) (i32.const 3) (i32.const 16))
        (i32.store8 (i32.const 26) (call $ready (i32.load (i32.const 100))))
        (i32.store8 (i32.const 27) (call $ready (i32.load (i32.const 104))))
        (i32.store8 (i32.const 28) (call $ready (i32.load (i32.const 108))))
        (call $drop (i32.load (i32.const 100)))
        (call $drop (i32.load (i32.const 104)))
        (call $drop (i32.load (i32.const 108)))
        (i32.const 16)))
    (core instance $i (instantiate $m
      (with "libc" (instance $libc))
      (with "" (instance
        (export "subscribe" (func $subscribe)) (export "ready" (func $ready))
        (export "poll" (func $poll)) (export "drop" (func $drop))))))
    (func (export "run") (result (tuple (list u32) bool bool bool bool bool))
      (canon lift (core func $i "run") (memory $libc "mem"))))

  (instance $t (instantiate $timer
    (with "wasi:io/poll@0.2.12" (instance $poll))
    (with "wasi:clocks/monotonic-clock@0.2.12" (instance $clock))))
  (instance $m (instantiate $main
    (with "wasi:io/poll@0.2.12" (instance $poll))
    (with "timer" (instance $t))))
  (export "run" (func $m "run")))
