//! Validation of meld's outputs: nothing leaves meld unvalidated.
//!
//! Inputs and outputs are validated with [`features`]: the reference
//! runtime's default feature set (multi-memory in particular: the fused
//! module keeps one memory per original core instance).

use anyhow::{Context, Result};

/// Validates a fused core module and returns it.
pub fn validate_core(module: Vec<u8>) -> Result<Vec<u8>> {
    validate(&module).context("meld produced an invalid core module (this is a bug in meld)")?;
    Ok(module)
}

/// Validates a wrapping component and returns it.
pub fn validate_component(component: Vec<u8>) -> Result<Vec<u8>> {
    validate(&component).context("meld produced an invalid component (this is a bug in meld)")?;
    Ok(component)
}

/// The wasm features meld accepts and emits: wasm 3.0 and the component
/// model, without GC types and exceptions (as the pinned wasmtime, built
/// without `gc`, has them). The feature set also steers the adapter
/// compiler: with exceptions on it would wrap adapters in `try_table`.
pub fn features() -> wasmparser::WasmFeatures {
    use wasmparser::WasmFeatures as F;
    let mut features = F::WASM3 | F::COMPONENT_MODEL;
    features.remove(F::GC | F::GC_TYPES | F::EXCEPTIONS);
    features
}

fn validate(bytes: &[u8]) -> Result<()> {
    wasmparser::Validator::new_with_features(features()).validate_all(bytes)?;
    Ok(())
}
