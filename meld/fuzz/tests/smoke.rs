//! The fuzz targets as ordinary tests: each runs its property over a fixed,
//! seeded set of inputs (deterministic on every machine), and every
//! reproducer in `regressions/` runs as its own test.
//!
//! `MELD_FUZZ_SMOKE_SCALE=<n>` multiplies the number of inputs (for a longer
//! local run); the default keeps the whole suite within about a minute in
//! a debug build on two cores.

use libtest_mimic::{Arguments, Failed, Trial};
use meld_fuzz::{Finding, compose, fuse_bytes, mutated, seed};
use std::collections::BTreeMap;
use std::path::Path;

/// Inputs per target at scale 1.
const BYTES_INPUTS: u64 = 3000;
const FIXTURE_INPUTS: u64 = 200;
const COMPOSITIONS_FUSED: u64 = 300;
const COMPOSITIONS_RUN: u64 = 25;

fn scale() -> u64 {
    std::env::var("MELD_FUZZ_SMOKE_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

/// Runs `check` on seeds `0..count`; fails listing every failing seed.
fn seeded(count: u64, mut check: impl FnMut(u64) -> Result<(), Finding>) -> Result<(), Failed> {
    let mut failures = Vec::new();
    for s in 0..count {
        if let Err(f) = check(s) {
            failures.push(format!("seed {s}: {f}"));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} of {count} inputs failed:\n{}",
            failures.len(),
            failures.join("\n")
        )
        .into())
    }
}

fn fuse_bytes_trial() -> Result<(), Failed> {
    seeded(BYTES_INPUTS * scale(), |s| {
        fuse_bytes::check(&fuse_bytes::seeded_input(s))
    })
}

fn mutated_fixtures_trial() -> Result<(), Failed> {
    let count = FIXTURE_INPUTS * scale();
    let fused = std::cell::Cell::new(0);
    seeded(count, |s| {
        let data = seed::bytes(s, 48);
        let (_, _, bytes) = mutated::mutate(&data);
        mutated::check(&data)?;
        if meld::Fuser::new().fuse(&bytes).is_ok() {
            fused.set(fused.get() + 1);
        }
        Ok(())
    })?;
    // Not all mutations may be rejected at the door, or the later stages
    // were never reached.
    if fused.get() == 0 {
        return Err(format!("none of {count} mutated fixtures fused").into());
    }
    eprintln!("mutated fixtures: {} of {count} fused", fused.get());
    Ok(())
}

/// Generated compositions, fused and validated (no wasmtime: fast).
fn compositions_fused_trial() -> Result<(), Failed> {
    let count = COMPOSITIONS_FUSED * scale();
    let mut rejected: BTreeMap<String, u64> = BTreeMap::new();
    seeded(count, |s| {
        // Seeds past the run trial's, so the two see different inputs.
        if let Some(e) = compose::check_static(&seed::bytes(1_000_000 + s, 8192))? {
            *rejected
                .entry(e.lines().next().unwrap_or("").to_string())
                .or_default() += 1;
        }
        Ok(())
    })?;
    report_rejections(count, &rejected)
}

/// meld refusing a generated composition is not a finding by itself (it
/// may name something unsupported), but most must fuse or the later
/// checks were never reached.
fn report_rejections(count: u64, rejected: &BTreeMap<String, u64>) -> Result<(), Failed> {
    for (e, n) in rejected {
        eprintln!("compositions: {n:5} rejected: {e}");
    }
    let total: u64 = rejected.values().sum();
    if total * 4 > count {
        return Err(format!("meld rejected {total} of {count} generated compositions").into());
    }
    Ok(())
}

/// Generated compositions, fused and run composed and fused under wasmtime.
fn compositions_run_trial() -> Result<(), Failed> {
    let count = COMPOSITIONS_RUN * scale();
    let mut rejected: BTreeMap<String, u64> = BTreeMap::new();
    let (mut agreed, mut calls, mut inconclusive) = (0u64, 0usize, 0u64);
    seeded(count, |s| {
        let outcome = compose::check(&seed::bytes(s, 8192))?;
        if let Some(e) = outcome.rejected {
            *rejected
                .entry(e.lines().next().unwrap_or("").to_string())
                .or_default() += 1;
        }
        if let Some(r) = outcome.report {
            calls += r.calls;
            if r.inconclusive {
                inconclusive += 1;
            } else if r.compiled {
                agreed += 1;
            }
        }
        Ok(())
    })?;
    eprintln!(
        "compositions: {agreed} of {count} ran to the end, {inconclusive} out of fuel or stack, {calls} calls"
    );
    report_rejections(count, &rejected)?;
    if agreed * 2 < count {
        return Err(format!("only {agreed} of {count} compositions were run to the end").into());
    }
    Ok(())
}

/// The differential oracle can fail: a composition run against a copy whose
/// leaf starts its running hash elsewhere must be reported as different.
fn oracle_sees_differences() -> Result<(), Failed> {
    let mut checked = 0;
    for s in 0..40 {
        let data = seed::bytes(s, 8192);
        let mut u = arbitrary::Unstructured::new(&data);
        let Ok(a) = compose::Composition::generate(&mut u) else {
            continue;
        };
        let mut b = a.clone();
        b.components[0].seed ^= 1;
        let (Ok(wa), Ok(wb)) = (wat::parse_str(a.wat()), wat::parse_str(b.wat())) else {
            return Err(format!("seed {s}: the generated text does not assemble").into());
        };
        let args = seed::bytes(s + 1, 4096);
        let same = compose::run::differential(
            &wa,
            &wa,
            &mut arbitrary::Unstructured::new(&args),
            &|_, _| None,
        )
        .map_err(|f| format!("seed {s}, against itself: {f}"))?;
        if same.inconclusive || same.traps > 0 || same.calls == 0 {
            continue;
        }
        match compose::run::differential(
            &wa,
            &wb,
            &mut arbitrary::Unstructured::new(&args),
            &|_, _| None,
        ) {
            Err(Finding::Mismatch(_)) => checked += 1,
            other => {
                return Err(format!("seed {s}: a changed leaf went unnoticed: {other:?}").into());
            }
        }
        if checked == 3 {
            return Ok(());
        }
    }
    Err(format!("only {checked} of the first 40 seeds ran without traps").into())
}

/// One trial per file in `regressions/`: `<target>-<name>.{wasm,wat}`.
fn regressions() -> Vec<Trial> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("wasm" | "wat")))
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            Trial::test(format!("regression::{name}"), move || {
                let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                let bytes = if path.extension().is_some_and(|e| e == "wat") {
                    wat::parse_bytes(&bytes)
                        .map_err(|e| format!("{e}"))?
                        .into_owned()
                } else {
                    bytes
                };
                let result = if name.starts_with("compositions-") {
                    let args = seed::bytes(0, 4096);
                    let mut u = arbitrary::Unstructured::new(&args);
                    compose::check_component(&bytes, &mut u, &|_, _| None).map(drop)
                } else {
                    meld_fuzz::finding::fuse_and_validate(&bytes).map(drop)
                };
                result.map_err(|f| f.to_string().into())
            })
        })
        .collect()
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = vec![
        Trial::test("fuse_bytes", fuse_bytes_trial),
        Trial::test("mutated_fixtures", mutated_fixtures_trial),
        Trial::test("compositions_fused", compositions_fused_trial),
        Trial::test("compositions_run", compositions_run_trial),
        Trial::test("oracle_sees_differences", oracle_sees_differences),
    ];
    trials.extend(regressions());
    libtest_mimic::run(&args, trials).exit();
}
