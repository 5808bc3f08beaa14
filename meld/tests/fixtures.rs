//! Differential tests on the project's fixtures: each non-resource fixture is
//! fused with `--component` and its `run` export is called under wasmtime
//! (the oracle); the core-module output must validate; fusing twice must
//! give identical bytes. A missing fixture fails its test.

use anyhow::{Context, Result, ensure};
use fixtures::oracle::Oracle;
use libtest_mimic::{Arguments, Failed, Trial};

/// The fixtures without resources.
const CASES: [&str; 5] = [
    "scalars",
    "strings",
    "lists",
    "records-variants",
    "many-params",
];

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
    oracle
        .run(&input)
        .context("the unfused fixture itself fails")?;
    let fused = meld::Fuser::new().component(true).fuse(&input)?;
    oracle
        .run(&fused.bytes)
        .context("running the fused component")
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
