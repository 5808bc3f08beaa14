//! Hand-written edge cases (component text format, `tests/edge/`): each is
//! run composed and fused (`--component`) under wasmtime; both runs must
//! have the outcome written in the case (`ok` or `trap`).
//!
//! `*.wat` files state their outcome on their first line (`;; expect: ok`
//! or `;; expect: trap`). The string cases are instances of
//! `edge/string.wat.in`, listed in [`STRING_CASES`] with their outcome.

use anyhow::{Context, Result, bail, ensure};
use fixtures::oracle::Oracle;
use libtest_mimic::Arguments;
use std::path::Path;

mod common;

/// Whether `run` returns or traps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ok,
    Trap,
}

/// How a run of `run` ended. Runs compare by outcome only: the composed and
/// the fused form may word the same trap differently; the message is there
/// to be shown when the outcomes differ.
#[derive(Debug)]
struct Ended {
    outcome: Outcome,
    #[expect(dead_code, reason = "read only by `Debug`, in failure messages")]
    trap: Option<String>,
}

impl PartialEq for Ended {
    fn eq(&self, other: &Self) -> bool {
        self.outcome == other.outcome
    }
}

/// One side of a string case: canonical `string-encoding`, the string's bytes
/// in that encoding, and the length the canonical ABI passes (code units,
/// with the UTF-16 tag bit for tagged latin1+utf16 strings).
struct Side {
    encoding: &'static str,
    bytes: &'static [u8],
    len: u32,
}

/// A [`Side`], written on one line.
const fn side(encoding: &'static str, bytes: &'static [u8], len: u32) -> Side {
    Side {
        encoding,
        bytes,
        len,
    }
}

const UTF8_MIXED: Side = side("utf8", b"h\xe2\x82\xac\xf0\x9f\x98\x80", 8);
const UTF16_MIXED: Side = side("utf16", b"h\x00\xac\x20\x3d\xd8\x00\xde", 4);
const UTF8_CAFE: Side = side("utf8", b"caf\xc3\xa9", 5);
const LATIN1_CAFE: Side = side("latin1+utf16", b"caf\xe9", 4);
const UTF16_CAFE: Side = side("utf16", b"c\x00a\x00f\x00\xe9\x00", 4);
const UTF8_A_EURO: Side = side("utf8", b"a\xe2\x82\xac", 4);
const UTF16_A_EURO: Side = side("utf16", b"a\x00\xac\x20", 2);
const TAGGED_A_EURO: Side = side("latin1+utf16", b"a\x00\xac\x20", 0x8000_0002);
const UTF8_INVALID: Side = side("utf8", b"h\xff", 2);
const UTF16_UNPAIRED: Side = side("utf16", b"\x00\xd8", 1);

/// (name, caller, callee, outcome)
const STRING_CASES: [(&str, Side, Side, Outcome); 15] = [
    ("utf16-calls-utf8", UTF16_MIXED, UTF8_MIXED, Outcome::Ok),
    ("utf8-calls-utf16", UTF8_MIXED, UTF16_MIXED, Outcome::Ok),
    ("utf16-calls-utf16", UTF16_MIXED, UTF16_MIXED, Outcome::Ok),
    ("latin1-calls-utf8", LATIN1_CAFE, UTF8_CAFE, Outcome::Ok),
    ("utf8-calls-latin1", UTF8_CAFE, LATIN1_CAFE, Outcome::Ok),
    ("latin1-calls-latin1", LATIN1_CAFE, LATIN1_CAFE, Outcome::Ok),
    ("latin1-calls-utf16", LATIN1_CAFE, UTF16_CAFE, Outcome::Ok),
    ("utf16-calls-latin1", UTF16_CAFE, LATIN1_CAFE, Outcome::Ok),
    (
        "tagged-utf16-calls-tagged-utf16",
        TAGGED_A_EURO,
        TAGGED_A_EURO,
        Outcome::Ok,
    ),
    (
        "tagged-utf16-calls-utf8",
        TAGGED_A_EURO,
        UTF8_A_EURO,
        Outcome::Ok,
    ),
    (
        "utf8-calls-tagged-utf16",
        UTF8_A_EURO,
        TAGGED_A_EURO,
        Outcome::Ok,
    ),
    (
        "utf16-calls-tagged-utf16",
        UTF16_A_EURO,
        TAGGED_A_EURO,
        Outcome::Ok,
    ),
    ("invalid-utf8-copy", UTF8_INVALID, UTF8_MIXED, Outcome::Trap),
    (
        "invalid-utf8-to-utf16",
        UTF8_INVALID,
        UTF16_MIXED,
        Outcome::Trap,
    ),
    (
        "unpaired-surrogate-to-utf8",
        UTF16_UNPAIRED,
        UTF8_MIXED,
        Outcome::Trap,
    ),
];

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for (name, caller, callee, outcome) in STRING_CASES {
        let source = string_case(&caller, &callee);
        trials.push(common::trial(format!("strings::{name}"), move || {
            run_both(&source, outcome)
        }));
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/edge");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/edge exists")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "wat"))
    {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        trials.push(common::trial(name, move || {
            let source = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let outcome = match source.lines().next() {
                Some(";; expect: ok") => Outcome::Ok,
                Some(";; expect: trap") => Outcome::Trap,
                _ => bail!("the first line must be `;; expect: ok` or `;; expect: trap`"),
            };
            run_both(&source, outcome)
        }));
    }
    libtest_mimic::run(&args, trials).exit();
}

/// Runs `source` composed and fused; both must have `expected` as outcome.
fn run_both(source: &str, expected: Outcome) -> Result<()> {
    let composed = wat::parse_str(source).context("assembling the case")?;
    let oracle = Oracle::new()?;
    let run = |bytes: &[u8]| -> wasmtime::Result<Ended> {
        match oracle.run(bytes) {
            Ok(()) => Ok(Ended {
                outcome: Outcome::Ok,
                trap: None,
            }),
            Err(e) if format!("{e:?}").contains("calling `run`") => Ok(Ended {
                outcome: Outcome::Trap,
                trap: Some(format!("{e:#}")),
            }),
            Err(e) => wasmtime::bail!("failed before `run`: {e:?}"),
        }
    };
    common::composed_and_fused(&composed, run, |ended| {
        ensure!(
            ended.outcome == expected,
            "expected {expected:?}, got {ended:?}"
        );
        Ok(())
    })?;
    Ok(())
}

/// Fills in `edge/string.wat.in`.
fn string_case(caller: &Side, callee: &Side) -> String {
    include_str!("edge/string.wat.in")
        .replace("{CALLER_ENC}", caller.encoding)
        .replace("{CALLER_DATA}", &escape(caller.bytes))
        .replace("{CALLER_LEN}", &caller.len.to_string())
        .replace("{CALLER_BYTES}", &caller.bytes.len().to_string())
        .replace("{CALLEE_ENC}", callee.encoding)
        .replace("{CALLEE_DATA}", &escape(callee.bytes))
        .replace("{CALLEE_LEN}", &callee.len.to_string())
        .replace("{CALLEE_BYTES}", &callee.bytes.len().to_string())
}

/// `bytes` as a WAT string literal body.
fn escape(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("\\{b:02x}")).collect()
}
