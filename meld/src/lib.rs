//! meld: statically fuses a composed WebAssembly component into one core
//! module, or into a component that wraps that one module.
//!
//! The pipeline, one module per stage:
//! [`translate`] (wasmtime-environ's translator → a [`plan::Plan`]) →
//! [`merge`] (one core module) → [`runtime`] (the intrinsics adapters need,
//! as wasm) → [`encode`] (validation) → [`wrap`] (optional component).
//!
//! Resources defined inside the composition are supported: every component
//! instance gets a handle table inside the fused module, numbered like
//! wasmtime's, and every resource intrinsic and handle transfer is
//! specialised for its table and resource type
//! ([`runtime::resources`]). With `--component`, resources exported at the
//! root become the wrapper's resource types ([`wrap::resources`]).
//! Resources imported from the host pass through to it: inner tables hold
//! the host's handles as reps, host functions passing handles are called
//! through converting functions ([`runtime::resources::host_call`]), and
//! `--component` re-imports the resource types ([`wrap`]); root functions
//! and functions of exported instances (e.g. wasi:http's
//! `incoming-handler.handle`) may take and return their handles (see
//! [`wrap::resources`]). Handles inside
//! compound types (options, lists, records, ...) are supported in root
//! exports and in host imports (except in host imports' list parameters and
//! where a variant joins a handle with another flat type).
//!
//! Instances exported at the root (interfaces such as `my:pkg/api` or
//! `wasi:cli/run@0.2.0`) are supported: with `--component` the wrapper
//! exports an instance of the same name with the lifted functions, resource
//! types and named value types under their original names.
//!
//! ```
//! # fn main() -> anyhow::Result<()> {
//! let input = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/scalars.wasm"))?;
//! let fused = meld::Fuser::new().component(true).fuse(&input)?;
//! assert_eq!(fused.stats.component_instances, 4);
//! assert!(wasmparser::Parser::is_component(&fused.bytes));
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

pub mod encode;
pub mod merge;
pub mod plan;
pub mod runtime;
pub mod transfers;
pub mod translate;
pub mod wrap;

use anyhow::Result;

/// Options for one fusion; [`Fuser::fuse`] turns an input component into
/// the output bytes.
#[derive(Debug, Clone, Default)]
pub struct Fuser {
    component: bool,
}

/// The result of [`Fuser::fuse`].
#[derive(Debug, Clone)]
pub struct Fused {
    /// The validated output: a core module, or a component with `--component`.
    pub bytes: Vec<u8>,
    /// What was fused.
    pub stats: Stats,
}

/// Counts describing a fusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Component instances in the input.
    pub component_instances: u32,
    /// Core instances merged (adapter instances included).
    pub core_instances: usize,
    /// Core instances that are generated adapter modules.
    pub adapters: usize,
}

impl Fuser {
    /// Default options: output a core module.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether to wrap the fused module in a component that re-exports the
    /// input's root exports with their original types and options.
    pub fn component(&mut self, yes: bool) -> &mut Self {
        self.component = yes;
        self
    }

    /// Fuses `input` (a component binary). The output is validated.
    pub fn fuse(&self, input: &[u8]) -> Result<Fused> {
        let plan = translate::translate(input)?;
        let merged = merge::merge(&plan)?;
        let core = encode::validate_core(merged.module)?;
        let bytes = if self.component {
            wrap::wrap(&plan, &merged.exports, &core)?
        } else {
            core
        };
        let stats = Stats {
            component_instances: plan.component_instances,
            core_instances: plan.instances.len(),
            adapters: plan.adapter_instances(),
        };
        Ok(Fused { bytes, stats })
    }
}

/// Translates `input` and returns meld's plan for it (what `meld inspect`
/// prints).
pub fn inspect(input: &[u8]) -> Result<plan::Plan> {
    translate::translate(input)
}
