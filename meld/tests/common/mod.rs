//! Scaffolding shared by meld's test binaries: assembling a WAT input and
//! running a composition and its fused `--component` form through the same
//! driver, requiring identical observations.

#![allow(dead_code)]

use anyhow::{Context, Result, ensure};
use std::fmt::Debug;
use std::path::Path;
use wasmtime::{Config, Engine};

/// The engine every test uses: component model and multi-memory on (fused
/// modules keep one memory per original instance).
pub fn engine() -> wasmtime::Result<Engine> {
    let mut config = Config::new();
    config.wasm_component_model(true).wasm_multi_memory(true);
    Engine::new(&config)
}

/// Assembles `meld/tests/<dir>/<file>` (component text format).
pub fn assemble(dir: &str, file: &str) -> Result<Vec<u8>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(dir)
        .join(file);
    wat::parse_file(&path).with_context(|| format!("assembling {}", path.display()))
}

/// Runs `drive` on the composition, lets `check` confirm the composition
/// itself behaved as the test planned, fuses it with `--component`, runs
/// `drive` on the result and requires the same observations. Returns them.
pub fn composed_and_fused<T: PartialEq + Debug>(
    composed: &[u8],
    drive: impl Fn(&[u8]) -> wasmtime::Result<T>,
    check: impl FnOnce(&T) -> Result<()>,
) -> Result<T> {
    let expected = drive(composed)
        .map_err(anyhow::Error::from)
        .context("the composed component")?;
    check(&expected).context("the composition itself did not run as the test planned")?;
    let fused = meld::Fuser::new()
        .component(true)
        .fuse(composed)
        .with_context(|| {
            format!(
                "fusing; plan:\n{}",
                meld::inspect(composed)
                    .map(|p| p.to_string())
                    .unwrap_or_default()
            )
        })?;
    let results = drive(&fused.bytes)
        .map_err(anyhow::Error::from)
        .context("the fused component")?;
    ensure!(
        results == expected,
        "fused:\n{results:#?}\ncomposed:\n{expected:#?}"
    );
    Ok(expected)
}
