//! meld: statically fuses a composed WebAssembly component into one core
//! module, or into a component that wraps that one module, which behaves
//! like the input: same results, same traps.
//!
//! # Pipeline
//!
//! Data flows one way, one module per stage:
//!
//! 0. [`validate`]: the input is validated completely (every function body
//!    of every core module) before anything reads it; failures are
//!    located in the input. [`Error`] sorts every failure into one of four
//!    kinds (not WebAssembly, invalid, unsupported, internal).
//! 1. [`translate`]: wasmtime-environ's component translator validates the
//!    input, inlines nested components into an ordered list of core
//!    instantiations and compiles every lift→lower pair into adapter
//!    modules; the result becomes a [`plan::Plan`], meld's own data model
//!    (the only stage that names wasmtime-environ types).
//! 2. [`merge`]: every core instance is copied into one module with its
//!    index spaces remapped ([`merge::layout`]); imports become the
//!    definitions they resolve to; instantiation-time work (segments, start
//!    functions) is replayed by one start function.
//! 3. [`runtime`]: what the component model's runtime would provide, as
//!    wasm inside the module: `may_leave` flags, traps, string transcoders,
//!    and the resource machinery ([`runtime::resources`]: per-instance
//!    handle tables numbered like wasmtime's, call scopes, every resource
//!    intrinsic and handle transfer specialised for its table type, calls
//!    to host functions converting handles).
//! 4. [`encode`]: the output is validated before it leaves meld.
//! 5. [`wrap`] (`--component`): a component around the fused module that
//!    re-imports the host's interfaces and resource types under their
//!    original names and exports the input's root functions, interfaces,
//!    value types and resource types.
//!
//! Below the stages: [`abi`] (the canonical ABI's layouts, flattening, and
//! the walker that converts handles inside values, used by the runtime's
//! host calls and the wrapper's boundary shims) and [`transfers`] (the
//! adapters' handle-transfer call sites). A lower stage never refers to a
//! higher one (`tests/layering.rs` checks it).
//!
//! # Scope
//!
//! Supported: everything a synchronous composition of wit-component
//! components uses: every value type, every string encoding, memories,
//! reallocs and post-returns; resources defined inside the composition
//! (opaque reps or not) and resources imported from the host, with handles
//! anywhere in parameters and results, at the root, in exported
//! interfaces and in host imports; host imports (WASI included) staying
//! imports; modules instantiated more than once; start functions (also
//! calling host imports); exception handling (tags, `try_table`);
//! dynamically linked components (constant expressions over imported
//! globals are folded).
//!
//! Not supported yet, each an error naming it: async (tasks, streams,
//! futures, error-context), threads, GC, 64-bit memories in canonical
//! options, imported or exported core modules, instances exported
//! inside exported instances, host imports nested deeper than one
//! instance.
//!
//! Debug info is carried ([`merge::DebugInfo`]): every core instance's
//! DWARF with its code addresses rewritten, names for every index space
//! (prefixed per instance where instances share them), producers merged;
//! other custom sections are dropped.
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

pub mod abi;
pub mod encode;
pub mod error;
pub mod merge;
pub mod plan;
pub mod runtime;
/// `--memory single`: several memories lowered to one, as regions.
pub mod single;
/// Several defined tables of one reference type lowered to one, as regions.
pub mod tables;
pub mod transfers;
pub mod translate;
pub mod validate;
pub mod world;
pub mod wrap;

pub use error::Error;

/// The wasmtime-environ release meld follows (its component translator and
/// adapter compiler define meld's behaviour), as a string literal for
/// `concat!`; a test checks it against `Cargo.lock`.
#[macro_export]
macro_rules! wasmtime_environ_version {
    () => {
        "48.0.8"
    };
}

/// Options for one fusion; [`Fuser::fuse`] turns an input component into
/// the output bytes.
#[derive(Debug, Clone, Default)]
pub struct Fuser {
    component: bool,
    debug_info: merge::DebugInfo,
    memory: merge::Memory,
    budget_pages: Option<u64>,
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

    /// Whether the input's DWARF is carried into the output
    /// ([`merge::DebugInfo::Keep`], the default) or dropped. Names and
    /// producers are kept either way.
    pub fn debug_info(&mut self, debug_info: merge::DebugInfo) -> &mut Self {
        self.debug_info = debug_info;
        self
    }

    /// How the output's memories are laid out: one per instance memory
    /// ([`merge::Memory::Multi`], the default) or all in one
    /// ([`merge::Memory::Single`], see [`single`]).
    pub fn memory(&mut self, memory: merge::Memory) -> &mut Self {
        self.memory = memory;
        self
    }

    /// Under [`merge::Memory::Single`]: the most pages a region may grow to
    /// when its memory declares no maximum (`None`: only the 4 GiB of the
    /// one memory limits it).
    pub fn memory_budget(&mut self, pages: Option<u64>) -> &mut Self {
        self.budget_pages = pages;
        self
    }

    /// Fuses `input` (a component binary). The input is validated first
    /// ([`validate::input`]), the output before it is returned.
    pub fn fuse(&self, input: &[u8]) -> Result<Fused, Error> {
        let exceptions = validate::input(input)?;
        let mut plan = translate::translate(input, exceptions).map_err(|e| stage(input, e))?;
        if self.memory == merge::Memory::Single {
            translate::convert_addresses(&mut plan);
            translate::share_host_imports(&mut plan);
        }
        let options = merge::Options {
            export_start: self.component,
            debug_info: self.debug_info,
            memory: self.memory,
        };
        let mut merged = merge::merge(&plan, &options).map_err(|e| stage(input, e))?;
        if self.memory == merge::Memory::Single {
            self.lower_single(&mut merged)
                .map_err(|e| stage(input, e))?;
            world::embed(&mut merged.module, input, &plan).map_err(|e| stage(input, e))?;
        }
        let core = encode::validate_core(merged.module, exceptions).map_err(|e| stage(input, e))?;
        let bytes = if self.component {
            wrap::wrap(input, &plan, &merged.exports, &core).map_err(|e| stage(input, e))?
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

    /// `--memory single`'s last steps: the memories, then the tables,
    /// lowered into one, and the DWARF held back by merging converted
    /// through both moves of the code.
    fn lower_single(&self, merged: &mut merge::Merged) -> anyhow::Result<()> {
        let options = single::Options {
            budget_pages: self.budget_pages,
            base_globals: std::mem::take(&mut merged.bases),
            export_name: merge::SINGLE_MEMORY.to_string(),
        };
        let memories = single::lower(&merged.module, &options)?;
        let tables = tables::lower(&memories.module)?;
        merged.module = tables.module;
        let after: Vec<_> = [memories.code, tables.code]
            .into_iter()
            .flatten()
            .map(std::sync::Arc::new)
            .collect();
        std::mem::take(&mut merged.dwarf).append(&mut merged.module, &after)?;
        for name in &mut merged.exports.memories {
            *name = merge::SINGLE_MEMORY.to_string();
        }
        Ok(())
    }
}

/// The kind of an error of a stage after validation of the (valid)
/// input: an output that failed validation is meld's bug; anything else a
/// stage refuses is something meld does not support yet.
fn stage(input: &[u8], e: anyhow::Error) -> Error {
    if e.downcast_ref::<error::InvalidOutput>().is_some() {
        Error::internal(input, e)
    } else {
        Error::Unsupported(e)
    }
}

/// Validates and translates `input` and returns meld's plan for it (what
/// `meld inspect` prints).
pub fn inspect(input: &[u8]) -> Result<plan::Plan<'_>, Error> {
    let exceptions = validate::input(input)?;
    translate::translate(input, exceptions).map_err(|e| stage(input, e))
}
