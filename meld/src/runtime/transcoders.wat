;; meld's string transcoders: the functions the generated adapters import as
;; `Transcoder` trampolines, with the reference runtime's behaviour
;; (wasmtime 48, runtime/vm/component/libcalls.rs): same parameters, same
;; results, same partial-progress rules, and a trap wherever wasmtime
;; returns an error (invalid UTF-8, unpaired surrogates).
;;
;; Memory 0 is the source memory and memory 1 the destination; meld copies
;; each function into the fused module with both remapped. Functions are
;; self-contained (no calls, no type indices) so they can be copied alone.
;; Upper-case names in braces are shared snippets filled in by
;; transcode.rs; they work on the locals
;; $p/$end (source cursor and end, bytes), $q (destination cursor, bytes),
;; $c (scalar value), $b/$n/$min/$u (scratch).
(module
  (memory 0)
  (memory 0)

  ;; Validating copy of `len` bytes of UTF-8.
  (func (export "copy_utf8") (param $src i32) (param $len i32) (param $dst i32)
    (local $p i32) (local $end i32) (local $q i32) (local $c i32) (local $b i32) (local $n i32) (local $min i32) (local $u i32)
    (local.set $p (local.get $src))
    (local.set $end (i32.add (local.get $src) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        {UTF8_DECODE}
        (br $next)))
    (memory.copy 1 0 (local.get $dst) (local.get $src) (local.get $len)))

  ;; Validating copy of `len` UTF-16 code units.
  (func (export "copy_utf16") (param $src i32) (param $len i32) (param $dst i32)
    (local $p i32) (local $end i32) (local $q i32) (local $c i32) (local $b i32) (local $n i32) (local $min i32) (local $u i32)
    (local.set $p (local.get $src))
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $len) (i32.const 1))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        {UTF16_DECODE}
        (br $next)))
    (memory.copy 1 0 (local.get $dst) (local.get $src) (i32.shl (local.get $len) (i32.const 1))))

  ;; Copy of `len` latin1 bytes (every byte sequence is valid).
  (func (export "copy_latin1") (param $src i32) (param $len i32) (param $dst i32)
    (memory.copy 1 0 (local.get $dst) (local.get $src) (local.get $len)))

  ;; Inflates `len` latin1 bytes to UTF-16.
  (func (export "latin1_to_utf16") (param $src i32) (param $len i32) (param $dst i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (i32.store16 1
          (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 1)))
          (i32.load8_u 0 (i32.add (local.get $src) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; UTF-8 → UTF-16 into a destination of `len` units; the whole source is
  ;; validated first (like `str::from_utf8`), then units are written up to
  ;; the destination's capacity. Returns the units written.
  (func (export "utf8_to_utf16") (param $src i32) (param $len i32) (param $dst i32) (result i32)
    (local $p i32) (local $end i32) (local $q i32) (local $c i32) (local $b i32) (local $n i32) (local $min i32) (local $u i32)
    (local $cap i32)
    (local.set $cap (i32.add (local.get $dst) (i32.shl (local.get $len) (i32.const 1))))
    {UTF8_TO_UTF16}
    (i32.shr_u (i32.sub (local.get $q) (local.get $dst)) (i32.const 1)))

  ;; UTF-16 → UTF-8 with independent buffer sizes; returns (units read,
  ;; bytes written). Stops at the first non-ASCII scalar on the first pass,
  ;; and when fewer than 4 bytes remain and the next scalar does not fit.
  (func (export "utf16_to_utf8")
    (param $src i32) (param $src_len i32) (param $dst i32) (param $dst_len i32) (param $first_pass i32)
    (result i32 i32)
    (local $p i32) (local $end i32) (local $q i32) (local $c i32) (local $b i32) (local $n i32) (local $min i32) (local $u i32)
    (local $read i32) (local $room i32) (local $size i32)
    (local.set $p (local.get $src))
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $src_len) (i32.const 1))))
    (local.set $q (local.get $dst))
    (local.set $read (local.get $src))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        {UTF16_DECODE}
        (br_if $done (i32.and (i32.ne (local.get $first_pass) (i32.const 0)) (i32.ge_u (local.get $c) (i32.const 0x80))))
        (local.set $size
          (select (i32.const 1)
            (select (i32.const 2)
              (select (i32.const 3) (i32.const 4) (i32.lt_u (local.get $c) (i32.const 0x10000)))
              (i32.lt_u (local.get $c) (i32.const 0x800)))
            (i32.lt_u (local.get $c) (i32.const 0x80))))
        (local.set $room (i32.sub (i32.add (local.get $dst) (local.get $dst_len)) (local.get $q)))
        (br_if $done (i32.and (i32.lt_u (local.get $room) (i32.const 4)) (i32.lt_u (local.get $room) (local.get $size))))
        (local.set $read (local.get $p))
        {UTF8_ENCODE}
        (br $next)))
    (i32.shr_u (i32.sub (local.get $read) (local.get $src)) (i32.const 1))
    (i32.sub (local.get $q) (local.get $dst)))

  ;; latin1 → UTF-8 with independent buffer sizes; returns (bytes read, bytes
  ;; written). The first pass stops at the first byte >= 0x80; a character
  ;; is only written if it fits whole.
  (func (export "latin1_to_utf8")
    (param $src i32) (param $src_len i32) (param $dst i32) (param $dst_len i32) (param $first_pass i32)
    (result i32 i32)
    (local $i i32) (local $q i32) (local $b i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $src_len)))
        (local.set $b (i32.load8_u 0 (i32.add (local.get $src) (local.get $i))))
        (if (i32.lt_u (local.get $b) (i32.const 0x80))
          (then
            (br_if $done (i32.ge_u (local.get $q) (local.get $dst_len)))
            (i32.store8 1 (i32.add (local.get $dst) (local.get $q)) (local.get $b))
            (local.set $q (i32.add (local.get $q) (i32.const 1))))
          (else
            (br_if $done (local.get $first_pass))
            (br_if $done (i32.gt_u (i32.add (local.get $q) (i32.const 2)) (local.get $dst_len)))
            (i32.store8 1 (i32.add (local.get $dst) (local.get $q))
              (i32.or (i32.const 0xC0) (i32.shr_u (local.get $b) (i32.const 6))))
            (i32.store8 1 (i32.add (i32.add (local.get $dst) (local.get $q)) (i32.const 1))
              (i32.or (i32.const 0x80) (i32.and (local.get $b) (i32.const 0x3F))))
            (local.set $q (i32.add (local.get $q) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i)
    (local.get $q))

  ;; UTF-16 → latin1+utf16: validates and copies `len` units; if every scalar
  ;; is below 0x100 the copy is deflated in place to latin1 and `len` is
  ;; returned, otherwise `len | UTF16_TAG`.
  (func (export "utf16_to_compact_probably_utf16") (param $src i32) (param $len i32) (param $dst i32) (result i32)
    (local $p i32) (local $end i32) (local $q i32) (local $c i32) (local $b i32) (local $n i32) (local $min i32) (local $u i32)
    (local $wide i32) (local $i i32)
    (local.set $p (local.get $src))
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $len) (i32.const 1))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        {UTF16_DECODE}
        (local.set $wide (i32.or (local.get $wide) (i32.gt_u (local.get $c) (i32.const 0xFF))))
        (br $next)))
    (memory.copy 1 0 (local.get $dst) (local.get $src) (i32.shl (local.get $len) (i32.const 1)))
    (if (local.get $wide) (then (return (i32.or (local.get $len) (i32.const 0x80000000)))))
    (block $deflated
      (loop $deflate
        (br_if $deflated (i32.ge_u (local.get $i) (local.get $len)))
        (i32.store8 1 (i32.add (local.get $dst) (local.get $i))
          (i32.load8_u 1 (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $deflate)))
    (local.get $len))

  ;; UTF-8 → latin1 for the longest prefix made of ASCII and 0xC2/0xC3
  ;; two-byte sequences; returns (bytes read, bytes written).
  (func (export "utf8_to_latin1") (param $src i32) (param $len i32) (param $dst i32) (result i32 i32)
    (local $i i32) (local $q i32) (local $b i32) (local $b1 i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $b (i32.load8_u 0 (i32.add (local.get $src) (local.get $i))))
        (if (i32.lt_u (local.get $b) (i32.const 0x80))
          (then
            (i32.store8 1 (i32.add (local.get $dst) (local.get $q)) (local.get $b))
            (local.set $i (i32.add (local.get $i) (i32.const 1))))
          (else
            (br_if $done (i32.lt_u (local.get $b) (i32.const 0xC2)))
            (br_if $done (i32.gt_u (local.get $b) (i32.const 0xC3)))
            (br_if $done (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $len)))
            (local.set $b1 (i32.load8_u 0 (i32.add (i32.add (local.get $src) (local.get $i)) (i32.const 1))))
            (br_if $done (i32.ne (i32.and (local.get $b1) (i32.const 0xC0)) (i32.const 0x80)))
            (i32.store8 1 (i32.add (local.get $dst) (local.get $q))
              (i32.or (i32.shl (i32.and (local.get $b) (i32.const 0x1F)) (i32.const 6))
                (i32.and (local.get $b1) (i32.const 0x3F))))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $next)))
    (local.get $i)
    (local.get $q))

  ;; UTF-16 → latin1 while units are below 0x100; returns (n, n).
  (func (export "utf16_to_latin1") (param $src i32) (param $len i32) (param $dst i32) (result i32 i32)
    (local $i i32) (local $u i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $u (i32.load16_u 0 (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 1)))))
        (br_if $done (i32.gt_u (local.get $u) (i32.const 0xFF)))
        (i32.store8 1 (i32.add (local.get $dst) (local.get $i)) (local.get $u))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i)
    (local.get $i))

  ;; Inflates the first `so_far` latin1 bytes of the destination to UTF-16,
  ;; then transcodes the UTF-8 source after them; returns units in total.
  (func (export "utf8_to_compact_utf16")
    (param $src i32) (param $len i32) (param $dst i32) (param $dst_len i32) (param $so_far i32) (result i32)
    (local $p i32) (local $end i32) (local $q i32) (local $c i32) (local $b i32) (local $n i32) (local $min i32) (local $u i32)
    (local $cap i32)
    {INFLATE}
    (local.set $cap (i32.add (local.get $dst) (i32.shl (local.get $dst_len) (i32.const 1))))
    (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $so_far) (i32.const 1))))
    {UTF8_TO_UTF16}
    (i32.add (i32.shr_u (i32.sub (local.get $q) (local.get $dst)) (i32.const 1)) (local.get $so_far)))

  ;; Same for a UTF-16 source: inflate, then validate and copy `len` units.
  (func (export "utf16_to_compact_utf16")
    (param $src i32) (param $len i32) (param $dst i32) (param $dst_len i32) (param $so_far i32) (result i32)
    (local $p i32) (local $end i32) (local $q i32) (local $c i32) (local $b i32) (local $n i32) (local $min i32) (local $u i32)
    {INFLATE}
    (local.set $p (local.get $src))
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $len) (i32.const 1))))
    (local.set $q (i32.add (local.get $dst) (i32.shl (local.get $so_far) (i32.const 1))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        {UTF16_DECODE}
        {UTF16_ENCODE}
        (br $next)))
    (i32.add (local.get $len) (local.get $so_far)))
)
