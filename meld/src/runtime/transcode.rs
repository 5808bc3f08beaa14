//! String transcoders, written in WAT (`transcoders.wat`) and copied into
//! the fused module once per (operation, source memory, destination memory)
//! the adapters use.
//!
//! The behaviour is the reference runtime's (wasmtime 48's transcoding
//! libcalls): validating copies trap on invalid UTF-8 and unpaired
//! surrogates, partial transcodes stop where wasmtime's stop and return the
//! same counts. Only 32-bit memories are supported.

use crate::plan::{FixedEncoding, Transcode};
use anyhow::{Context, Result, anyhow, bail};
use std::convert::Infallible;
use std::sync::OnceLock;
use wasm_encoder::Function;
use wasm_encoder::reencode::{Error, Reencode};
use wasmparser::Payload;

/// The body of the transcoder `op` reading memory `from` and writing memory
/// `to` (fused indices). `ty` is the signature the adapter imports it with;
/// a mismatch with meld's implementation is an error.
pub fn transcoder(
    op: Transcode,
    from: u32,
    to: u32,
    ty: &wasmparser::FuncType,
) -> Result<Function> {
    let module = module()?;
    let name = symbol(op);
    let mut func_index = None;
    let mut types = Vec::new();
    let mut func_types = Vec::new();
    let mut bodies = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        match payload? {
            Payload::TypeSection(r) => {
                for ty in r.into_iter_err_on_gc_types() {
                    types.push(ty?);
                }
            }
            Payload::FunctionSection(r) => {
                for t in r {
                    func_types.push(t?);
                }
            }
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e?;
                    if e.name == name {
                        func_index = Some(e.index);
                    }
                }
            }
            Payload::CodeSectionEntry(body) => bodies.push(body),
            _ => {}
        }
    }
    let index = func_index.with_context(|| format!("meld has no transcoder `{name}`"))? as usize;
    let own_ty = &types[func_types[index] as usize];
    if own_ty != ty {
        bail!("the adapters import transcoder `{name}` as {ty:?}, meld implements {own_ty:?}");
    }
    let mut remap = Memories { from, to };
    let body = &bodies[index];
    let mut f = remap.new_function_with_parsed_locals(body)?;
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        f.instruction(&remap.parse_instruction(&mut reader)?);
    }
    Ok(f)
}

/// Maps the template's memory 0 (source) and 1 (destination).
struct Memories {
    from: u32,
    to: u32,
}

impl Reencode for Memories {
    type Error = Infallible;

    fn memory_index(&mut self, memory: u32) -> Result<u32, Error<Infallible>> {
        Ok(if memory == 0 { self.from } else { self.to })
    }
}

/// The export name of `op` in `transcoders.wat` (the reference runtime's
/// symbol names).
fn symbol(op: Transcode) -> &'static str {
    match op {
        Transcode::Copy(FixedEncoding::Utf8) => "copy_utf8",
        Transcode::Copy(FixedEncoding::Utf16) => "copy_utf16",
        Transcode::Copy(FixedEncoding::Latin1) => "copy_latin1",
        Transcode::Latin1ToUtf16 => "latin1_to_utf16",
        Transcode::Latin1ToUtf8 => "latin1_to_utf8",
        Transcode::Utf16ToCompactProbablyUtf16 => "utf16_to_compact_probably_utf16",
        Transcode::Utf16ToCompactUtf16 => "utf16_to_compact_utf16",
        Transcode::Utf16ToLatin1 => "utf16_to_latin1",
        Transcode::Utf16ToUtf8 => "utf16_to_utf8",
        Transcode::Utf8ToCompactUtf16 => "utf8_to_compact_utf16",
        Transcode::Utf8ToLatin1 => "utf8_to_latin1",
        Transcode::Utf8ToUtf16 => "utf8_to_utf16",
    }
}

/// The compiled transcoder module (built once).
fn module() -> Result<&'static [u8]> {
    static MODULE: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
    MODULE
        .get_or_init(|| wat::parse_str(source()).map_err(|e| e.to_string()))
        .as_deref()
        .map_err(|e| anyhow!("meld's transcoder module does not assemble: {e}"))
}

/// `transcoders.wat` with its shared snippets filled in.
fn source() -> String {
    let utf8_to_utf16 = UTF8_TO_UTF16.replace("{UTF8_DECODE}", UTF8_DECODE);
    include_str!("transcoders.wat")
        .replace("{UTF8_TO_UTF16}", &utf8_to_utf16)
        .replace("{UTF8_DECODE}", UTF8_DECODE)
        .replace("{UTF16_DECODE}", UTF16_DECODE)
        .replace("{UTF8_ENCODE}", UTF8_ENCODE)
        .replace("{UTF16_ENCODE}", UTF16_ENCODE)
        .replace("{INFLATE}", INFLATE)
}

/// Decodes one UTF-8 scalar at `$p` (memory 0, `$p < $end`) into `$c` and
/// advances `$p`; traps on anything `str::from_utf8` rejects (bad lead or
/// continuation bytes, truncation, overlong forms, surrogates, > U+10FFFF).
const UTF8_DECODE: &str = r#"
        (local.set $b (i32.load8_u 0 (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (if (i32.lt_u (local.get $b) (i32.const 0x80))
          (then (local.set $c (local.get $b)))
          (else
            (if (i32.lt_u (local.get $b) (i32.const 0xC2)) (then unreachable))
            (if (i32.lt_u (local.get $b) (i32.const 0xE0))
              (then
                (local.set $n (i32.const 1))
                (local.set $c (i32.and (local.get $b) (i32.const 0x1F)))
                (local.set $min (i32.const 0x80)))
              (else
                (if (i32.lt_u (local.get $b) (i32.const 0xF0))
                  (then
                    (local.set $n (i32.const 2))
                    (local.set $c (i32.and (local.get $b) (i32.const 0x0F)))
                    (local.set $min (i32.const 0x800)))
                  (else
                    (if (i32.ge_u (local.get $b) (i32.const 0xF5)) (then unreachable))
                    (local.set $n (i32.const 3))
                    (local.set $c (i32.and (local.get $b) (i32.const 0x07)))
                    (local.set $min (i32.const 0x10000))))))
            (if (i32.gt_u (local.get $n) (i32.sub (local.get $end) (local.get $p))) (then unreachable))
            (loop $cont
              (local.set $b (i32.load8_u 0 (local.get $p)))
              (if (i32.ne (i32.and (local.get $b) (i32.const 0xC0)) (i32.const 0x80)) (then unreachable))
              (local.set $c (i32.or (i32.shl (local.get $c) (i32.const 6)) (i32.and (local.get $b) (i32.const 0x3F))))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $cont (local.get $n)))
            (if (i32.lt_u (local.get $c) (local.get $min)) (then unreachable))
            (if (i32.gt_u (local.get $c) (i32.const 0x10FFFF)) (then unreachable))
            (if (i32.eq (i32.and (local.get $c) (i32.const 0xFFFFF800)) (i32.const 0xD800)) (then unreachable))))
"#;

/// Decodes one UTF-16 scalar at `$p` (memory 0, `$p < $end`) into `$c` and
/// advances `$p`; traps on an unpaired surrogate.
const UTF16_DECODE: &str = r#"
        (local.set $u (i32.load16_u 0 (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 2)))
        (if (i32.eq (i32.and (local.get $u) (i32.const 0xF800)) (i32.const 0xD800))
          (then
            (if (i32.ge_u (local.get $u) (i32.const 0xDC00)) (then unreachable))
            (if (i32.ge_u (local.get $p) (local.get $end)) (then unreachable))
            (local.set $b (i32.load16_u 0 (local.get $p)))
            (if (i32.ne (i32.and (local.get $b) (i32.const 0xFC00)) (i32.const 0xDC00)) (then unreachable))
            (local.set $p (i32.add (local.get $p) (i32.const 2)))
            (local.set $c
              (i32.add (i32.const 0x10000)
                (i32.or (i32.shl (i32.sub (local.get $u) (i32.const 0xD800)) (i32.const 10))
                  (i32.sub (local.get $b) (i32.const 0xDC00))))))
          (else (local.set $c (local.get $u))))
"#;

/// Encodes `$c` as UTF-8 at `$q` (memory 1) and advances `$q`.
const UTF8_ENCODE: &str = r#"
        (if (i32.lt_u (local.get $c) (i32.const 0x80))
          (then
            (i32.store8 1 (local.get $q) (local.get $c))
            (local.set $q (i32.add (local.get $q) (i32.const 1))))
          (else (if (i32.lt_u (local.get $c) (i32.const 0x800))
            (then
              (i32.store8 1 (local.get $q) (i32.or (i32.const 0xC0) (i32.shr_u (local.get $c) (i32.const 6))))
              (i32.store8 1 offset=1 (local.get $q) (i32.or (i32.const 0x80) (i32.and (local.get $c) (i32.const 0x3F))))
              (local.set $q (i32.add (local.get $q) (i32.const 2))))
            (else (if (i32.lt_u (local.get $c) (i32.const 0x10000))
              (then
                (i32.store8 1 (local.get $q) (i32.or (i32.const 0xE0) (i32.shr_u (local.get $c) (i32.const 12))))
                (i32.store8 1 offset=1 (local.get $q)
                  (i32.or (i32.const 0x80) (i32.and (i32.shr_u (local.get $c) (i32.const 6)) (i32.const 0x3F))))
                (i32.store8 1 offset=2 (local.get $q) (i32.or (i32.const 0x80) (i32.and (local.get $c) (i32.const 0x3F))))
                (local.set $q (i32.add (local.get $q) (i32.const 3))))
              (else
                (i32.store8 1 (local.get $q) (i32.or (i32.const 0xF0) (i32.shr_u (local.get $c) (i32.const 18))))
                (i32.store8 1 offset=1 (local.get $q)
                  (i32.or (i32.const 0x80) (i32.and (i32.shr_u (local.get $c) (i32.const 12)) (i32.const 0x3F))))
                (i32.store8 1 offset=2 (local.get $q)
                  (i32.or (i32.const 0x80) (i32.and (i32.shr_u (local.get $c) (i32.const 6)) (i32.const 0x3F))))
                (i32.store8 1 offset=3 (local.get $q) (i32.or (i32.const 0x80) (i32.and (local.get $c) (i32.const 0x3F))))
                (local.set $q (i32.add (local.get $q) (i32.const 4)))))))))
"#;

/// Encodes `$c` as UTF-16 at `$q` (memory 1) and advances `$q`.
const UTF16_ENCODE: &str = r#"
        (if (i32.lt_u (local.get $c) (i32.const 0x10000))
          (then
            (i32.store16 1 (local.get $q) (local.get $c))
            (local.set $q (i32.add (local.get $q) (i32.const 2))))
          (else
            (i32.store16 1 (local.get $q)
              (i32.or (i32.const 0xD800) (i32.shr_u (i32.sub (local.get $c) (i32.const 0x10000)) (i32.const 10))))
            (i32.store16 1 offset=2 (local.get $q)
              (i32.or (i32.const 0xDC00) (i32.and (i32.sub (local.get $c) (i32.const 0x10000)) (i32.const 0x3FF))))
            (local.set $q (i32.add (local.get $q) (i32.const 4)))))
"#;

/// Validates the UTF-8 at `$src`/`$len` (memory 0) whole, then writes its
/// UTF-16 units at `$dst` (memory 1) while `$q < $cap`, leaving `$q` after
/// the last unit written (a surrogate pair may be cut at the capacity, as in
/// the reference runtime).
const UTF8_TO_UTF16: &str = r#"
    (local.set $p (local.get $src))
    (local.set $end (i32.add (local.get $src) (local.get $len)))
    (block $valid
      (loop $check
        (br_if $valid (i32.ge_u (local.get $p) (local.get $end)))
        {UTF8_DECODE}
        (br $check)))
    (local.set $p (local.get $src))
    (local.set $q (local.get $dst))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        {UTF8_DECODE}
        (if (i32.lt_u (local.get $c) (i32.const 0x10000))
          (then
            (br_if $done (i32.ge_u (local.get $q) (local.get $cap)))
            (i32.store16 1 (local.get $q) (local.get $c))
            (local.set $q (i32.add (local.get $q) (i32.const 2))))
          (else
            (br_if $done (i32.ge_u (local.get $q) (local.get $cap)))
            (i32.store16 1 (local.get $q)
              (i32.or (i32.const 0xD800) (i32.shr_u (i32.sub (local.get $c) (i32.const 0x10000)) (i32.const 10))))
            (local.set $q (i32.add (local.get $q) (i32.const 2)))
            (br_if $done (i32.ge_u (local.get $q) (local.get $cap)))
            (i32.store16 1 (local.get $q)
              (i32.or (i32.const 0xDC00) (i32.and (i32.sub (local.get $c) (i32.const 0x10000)) (i32.const 0x3FF))))
            (local.set $q (i32.add (local.get $q) (i32.const 2)))))
        (br $next)))
"#;

/// Inflates the first `$so_far` latin1 bytes at `$dst` (memory 1) in place
/// to UTF-16, last byte first.
const INFLATE: &str = r#"
    (local.set $n (local.get $so_far))
    (block $inflated
      (loop $inflate
        (br_if $inflated (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (i32.store16 1 (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 1)))
          (i32.load8_u 1 (i32.add (local.get $dst) (local.get $n))))
        (br $inflate)))
"#;
