//! Differential tests on the project's fixtures: each fixture is
//! fused with `--component` and its `run` export is called under wasmtime
//! (the oracle, with WASI 0.2 from wasmtime-wasi); both forms must write the
//! same stdout; the core-module output must validate; fusing twice must
//! give identical bytes. A missing fixture fails its test.

use anyhow::{Context, Result, ensure};
use fixtures::oracle::Oracle;
use libtest_mimic::{Arguments, Failed, Trial};

/// Every fixture. The resource ones assert inside their runners that the
/// leaf's (and intermediate's) live-object counts return to zero.
/// `wasi_poll` imports WASI from the host and writes to stdout.
const CASES: [&str; 14] = [
    "scalars",
    "strings",
    "lists",
    "records-variants",
    "many-params",
    "resources",
    "resource_floats",
    "resource_with_lists",
    "resource_import_and_export",
    "resource_floats_opaque",
    "resource_with_lists_opaque",
    "resource_import_and_export_opaque",
    "resource_handles",
    "wasi_poll",
];

/// What each fixture's `run` writes to stdout (nothing when not listed).
const STDOUT: [(&str, &str); 1] = [("wasi_poll", "runner: start\nleaf: polled\nrunner: done\n")];

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for case in CASES {
        trials.push(Trial::test(
            format!("fused_component_runs::{case}"),
            move || check(fused_component_runs(case)),
        ));
        trials.push(Trial::test(
            format!("core_module_validates::{case}"),
            move || check(core_module_validates(case)),
        ));
        trials.push(Trial::test(format!("deterministic::{case}"), move || {
            check(deterministic(case))
        }));
        if case.starts_with("resource") {
            trials.push(Trial::test(
                format!("inspect_resources::{case}"),
                move || check(inspect_resources(case)),
            ));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}

fn check(result: Result<()>) -> Result<(), Failed> {
    result.map_err(|e| format!("{e:?}").into())
}

fn input(case: &str) -> Result<Vec<u8>> {
    fixtures::case(case)?.read_wasm()
}

fn fused_component_runs(case: &str) -> Result<()> {
    let input = input(case)?;
    let oracle = Oracle::new()?;
    let composed = oracle
        .run_capturing_stdout(&input)
        .context("the unfused fixture itself fails")?;
    let want = STDOUT
        .iter()
        .find(|(name, _)| *name == case)
        .map_or("", |(_, text)| text);
    ensure!(
        composed == want.as_bytes(),
        "the unfused fixture wrote {:?} to stdout, expected {want:?}",
        composed.escape_ascii().to_string()
    );
    let fused = meld::Fuser::new().component(true).fuse(&input)?;
    let stdout = oracle
        .run_capturing_stdout(&fused.bytes)
        .context("running the fused component")?;
    ensure!(
        stdout == composed,
        "the fused component wrote {:?} to stdout, the composed one {:?}",
        stdout.escape_ascii().to_string(),
        composed.escape_ascii().to_string()
    );
    Ok(())
}

fn core_module_validates(case: &str) -> Result<()> {
    let fused = meld::Fuser::new().fuse(&input(case)?)?;
    ensure!(
        !wasmparser::Parser::is_component(&fused.bytes),
        "the default output is a core module"
    );
    let mut features = wasmparser::WasmFeatures::default();
    features.set(wasmparser::WasmFeatures::MULTI_MEMORY, true);
    wasmparser::Validator::new_with_features(features).validate_all(&fused.bytes)?;
    Ok(())
}

fn deterministic(case: &str) -> Result<()> {
    let input = input(case)?;
    for component in [false, true] {
        let a = meld::Fuser::new().component(component).fuse(&input)?;
        let b = meld::Fuser::new().component(component).fuse(&input)?;
        ensure!(
            a.bytes == b.bytes,
            "two fusions differ (component: {component})"
        );
    }
    Ok(())
}

/// `meld inspect` names every resource, gives its definer and the
/// instances whose tables hold it, and reports opaque reps exactly for the
/// `_opaque` cases (where the re-exporter opted in).
fn inspect_resources(case: &str) -> Result<()> {
    let plan = meld::inspect(&input(case)?)?;
    ensure!(!plan.resources.is_empty(), "no resources found");
    for (r, res) in plan.resources.iter().enumerate() {
        ensure!(res.name.is_some(), "resource {r} has no name");
        ensure!(res.dtor.is_some(), "resource {r} has no destructor");
        let holders = plan
            .resource_tables
            .iter()
            .flatten()
            .filter(|t| t.resource == r && t.used)
            .count();
        ensure!(holders >= 2, "resource {r} is held in {holders} tables");
    }
    let opaque = plan.resources.iter().filter(|r| r.opaque).count();
    let want = usize::from(case.ends_with("_opaque"));
    ensure!(opaque == want, "{opaque} opaque resources, expected {want}");
    let text = plan.to_string();
    ensure!(
        text.contains("opaque reps:"),
        "the printed plan lacks resources:\n{text}"
    );
    Ok(())
}
