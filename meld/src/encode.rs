//! Validation of meld's outputs: nothing leaves meld unvalidated.
//!
//! Inputs and outputs are validated with [`features`]: the reference
//! runtime's default feature set (multi-memory in particular: the fused
//! module keeps one memory per original core instance), plus exception
//! handling for an input that uses it.

use crate::error::InvalidOutput;
use anyhow::Result;

/// Validates a fused core module and returns it; `exceptions`: whether the
/// input used exception handling.
pub fn validate_core(module: Vec<u8>, exceptions: bool) -> Result<Vec<u8>> {
    validate(&module, exceptions)
        .map_err(|e| InvalidOutput(format!("meld produced an invalid core module: {e}")))?;
    Ok(module)
}

/// Validates a wrapping component and returns it; `exceptions` as for
/// [`validate_core`].
pub fn validate_component(component: Vec<u8>, exceptions: bool) -> Result<Vec<u8>> {
    validate(&component, exceptions)
        .map_err(|e| InvalidOutput(format!("meld produced an invalid component: {e}")))?;
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

/// [`features`], with exception handling when `exceptions`.
pub fn features_with(exceptions: bool) -> wasmparser::WasmFeatures {
    let mut features = features();
    features.set(wasmparser::WasmFeatures::EXCEPTIONS, exceptions);
    features
}

fn validate(bytes: &[u8], exceptions: bool) -> Result<()> {
    wasmparser::Validator::new_with_features(features_with(exceptions)).validate_all(bytes)?;
    Ok(())
}
