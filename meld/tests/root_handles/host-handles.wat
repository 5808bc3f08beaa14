;; Root exports passing borrows of the host resource `file` inside lists
;; and handles of it through memory (more than 16 core values). `$reader`
;; reads a file through the host; `$front` lifts the root exports and hands
;; each borrow it is given to the reader. Once done with its arguments the
;; front overwrites them (their memory is its own) and frees them (its
;; allocator starts over).
;;
;; `read-all` reads and drops every borrow of its list; `hold-last` keeps
;; the last one (a trap). `spill` takes an own handle, a borrow and a list
;; of borrows with 14 u32s, reads the borrows and returns the own handle;
;; `spill-hold` keeps its borrow (a trap). Results combine what the host
;; read with the front's and the reader's handle numbers. `reallocs`
;; counts the front's `realloc` calls.
(component
  (import "test:host/files" (instance $files
    (export "file" (type $file (sub resource)))
    (export "[method]file.read" (func (param "self" (borrow $file)) (result u32)))))
  (alias export $files "file" (type $file))

  (component $reader
    (import "files" (instance $files
      (export "file" (type $file (sub resource)))
      (export "[method]file.read" (func (param "self" (borrow $file)) (result u32)))))
    (alias export $files "file" (type $file))
    (core func $read (canon lower (func $files "[method]file.read")))
    (core func $drop (canon resource.drop $file))
    (core module $m
      (import "" "read" (func $read (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      ;; what the host read + the reader's handle * 1000
      (func (export "read") (param $h i32) (result i32) (local $v i32)
        (local.set $v (i32.add (call $read (local.get $h)) (i32.mul (local.get $h) (i32.const 1000))))
        (call $drop (local.get $h))
        (local.get $v)))
    (core instance $i (instantiate $m (with "" (instance
      (export "read" (func $read)) (export "drop" (func $drop))))))
    (func (export "read") (param "f" (borrow $file)) (result u32) (canon lift (core func $i "read"))))

  (component $front
    (import "file" (type $file (sub resource)))
    (import "read" (func $read (param "f" (borrow $file)) (result u32)))
    (core func $read (canon lower (func $read)))
    (core func $drop (canon resource.drop $file))
    (core module $m
      (import "" "read" (func $read (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (memory (export "mem") 2)
      (global $heap (mut i32) (i32.const 1024))
      (global $reallocs (mut i32) (i32.const 0))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (local $r i32)
        (global.set $reallocs (i32.add (global.get $reallocs) (i32.const 1)))
        (local.set $r (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get 2))))
        (global.set $heap (i32.add (local.get $r) (local.get 3)))
        (if (i32.gt_u (global.get $heap) (i32.shl (memory.size) (i32.const 16)))
          (then (drop (memory.grow (i32.add (i32.shr_u (i32.sub (global.get $heap)
            (i32.shl (memory.size) (i32.const 16))) (i32.const 16)) (i32.const 1))))))
        (local.get $r))
      ;; The arguments' memory is free again.
      (func $done (global.set $heap (i32.const 1024)))
      (func $sum (param $p i32) (param $n i32) (result i32) (local $s i32)
        (block (loop
          (br_if 1 (i32.eqz (local.get $n)))
          (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br 0)))
        (local.get $s))
      ;; Reads each of the `n` borrows at `p` through the reader and drops
      ;; it (all but the last when `keep`), then overwrites the list.
      (func $read-list (param $p i32) (param $n i32) (param $keep i32) (result i32)
        (local $s i32) (local $q i32) (local $i i32) (local $h i32)
        (local.set $q (local.get $p))
        (block (loop
          (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $h (i32.load (local.get $q)))
          (local.set $s (i32.add (local.get $s) (i32.add (call $read (local.get $h)) (local.get $h))))
          (if (i32.eqz (i32.and (local.get $keep)
                (i32.eq (local.get $i) (i32.sub (local.get $n) (i32.const 1)))))
            (then (call $drop (local.get $h))))
          (local.set $q (i32.add (local.get $q) (i32.const 4)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br 0)))
        (memory.fill (local.get $p) (i32.const 0xff) (i32.shl (local.get $n) (i32.const 2)))
        (local.get $s))
      (func (export "read-all") (param i32 i32) (result i32)
        (call $read-list (local.get 0) (local.get 1) (i32.const 0))
        (call $done))
      (func (export "hold-last") (param i32 i32) (result i32)
        (call $read-list (local.get 0) (local.get 1) (i32.const 1))
        (call $done))
      ;; keep at 0, look at 4, more at 8 (pointer) and 12 (length), a0..a13
      ;; at 16; returns (a sum, keep) at 64.
      (func (export "spill") (param $p i32) (result i32) (local $look i32) (local $v i32)
        (local.set $look (i32.load offset=4 (local.get $p)))
        (local.set $v (i32.add (call $read (local.get $look)) (i32.mul (local.get $look) (i32.const 100))))
        (call $drop (local.get $look))
        (local.set $v (i32.add (local.get $v) (i32.mul (i32.const 7)
          (call $read-list (i32.load offset=8 (local.get $p)) (i32.load offset=12 (local.get $p)) (i32.const 0)))))
        (local.set $v (i32.add (local.get $v) (call $sum (i32.add (local.get $p) (i32.const 16)) (i32.const 14))))
        (i32.store (i32.const 64)
          (i32.add (local.get $v) (i32.mul (i32.load (local.get $p)) (i32.const 1000000))))
        (i32.store (i32.const 68) (i32.load (local.get $p)))
        (memory.fill (local.get $p) (i32.const 0xff) (i32.const 72))
        (call $done)
        (i32.const 64))
      ;; look at 0, a0..a16 at 4: reads the borrow and keeps it.
      (func (export "spill-hold") (param $p i32) (result i32)
        (call $read (i32.load (local.get $p)))
        (call $done))
      (func (export "reallocs") (result i32) (global.get $reallocs)))
    (core instance $i (instantiate $m (with "" (instance
      (export "read" (func $read)) (export "drop" (func $drop))))))
    (func (export "read-all") (param "fs" (list (borrow $file))) (result u32)
      (canon lift (core func $i "read-all") (memory $i "mem") (realloc (func $i "realloc"))))
    (func (export "hold-last") (param "fs" (list (borrow $file))) (result u32)
      (canon lift (core func $i "hold-last") (memory $i "mem") (realloc (func $i "realloc"))))
    (func (export "spill")
      (param "keep" (own $file)) (param "look" (borrow $file)) (param "more" (list (borrow $file)))
      (param "a0" u32) (param "a1" u32) (param "a2" u32) (param "a3" u32) (param "a4" u32) (param "a5" u32) (param "a6" u32) (param "a7" u32) (param "a8" u32) (param "a9" u32) (param "a10" u32) (param "a11" u32) (param "a12" u32) (param "a13" u32) (result (tuple u32 (own $file)))
      (canon lift (core func $i "spill") (memory $i "mem") (realloc (func $i "realloc"))))
    (func (export "spill-hold") (param "look" (borrow $file)) (param "a0" u32) (param "a1" u32) (param "a2" u32) (param "a3" u32) (param "a4" u32) (param "a5" u32) (param "a6" u32) (param "a7" u32) (param "a8" u32) (param "a9" u32) (param "a10" u32) (param "a11" u32) (param "a12" u32) (param "a13" u32) (param "a14" u32) (param "a15" u32) (param "a16" u32) (result u32)
      (canon lift (core func $i "spill-hold") (memory $i "mem") (realloc (func $i "realloc"))))
    (func (export "reallocs") (result u32) (canon lift (core func $i "reallocs"))))

  (instance $reader (instantiate $reader (with "files" (instance $files))))
  (instance $front (instantiate $front (with "file" (type $file)) (with "read" (func $reader "read"))))
  (export "read-all" (func $front "read-all"))
  (export "hold-last" (func $front "hold-last"))
  (export "spill" (func $front "spill"))
  (export "spill-hold" (func $front "spill-hold"))
  (export "reallocs" (func $front "reallocs")))
