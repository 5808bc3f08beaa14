//! Runs wasmtime-environ's component translator on the input and converts its
//! result into a [`Plan`].
//!
//! The translator validates the component, inlines every nested component
//! into one ordered list of core instantiations with resolved arguments, and
//! compiles each lift→lower pair into core-wasm adapter modules (FACT). This
//! module is the only place that names wasmtime-environ types. Its steps:
//! the core modules; the trampolines the adapters import, which become
//! [`Intrinsic`](crate::plan::Intrinsic)s (`intrinsics`); the initializers,
//! in order (core instantiations, the memories, reallocs and post-returns
//! canonical options name, resource definitions: `initializers`); the
//! resources ([`resources`]); the exports (`exports`). Types are converted
//! by `types`.
//!
//! Host imports that pass handles (own and borrow parameters, own results,
//! also inside compound types) become [`Intrinsic::HostCall`](crate::plan::Intrinsic::HostCall)s around the raw
//! import; for `--memory single`, [`convert_addresses`] and
//! [`share_host_imports`] rewrite the plan further.
//!
//! Not supported yet (each is an error naming the construct): host imports
//! nested deeper than one instance, imported core modules, everything async
//! (tasks, streams, futures, error-context), threads, GC-typed options,
//! memory64 transcoding, exported core modules, instances exported inside
//! exported instances, exported function types. Root exports of
//! component and instance types are collected into
//! [`Plan::type_only_exports`] for the `--component` output to carry.

use crate::plan::{self, Plan};
use anyhow::Result;
use wasmtime_environ::component::{ComponentTypesBuilder, Translator};
use wasmtime_environ::{ScopeVec, Tunables};

mod exports;
mod initializers;
mod intrinsics;
pub use intrinsics::{convert_addresses, share_host_imports};
pub mod resources;
mod types;

/// Flattens `component`, valid with exception handling as
/// `exceptions` says ([`crate::validate::input`]), into a [`Plan`].
pub fn translate(component: &[u8], exceptions: bool) -> Result<Plan<'_>> {
    let tunables = Tunables {
        concurrency_support: false,
        ..Tunables::default_host()
    };
    let features = crate::encode::features_with(exceptions);
    let mut validator = wasmparser::Validator::new_with_features(features);
    let mut types = ComponentTypesBuilder::new(&validator);
    let scope = ScopeVec::new();
    let component_bytes = component;
    let (translation, modules) = Translator::new(&tunables, &mut validator, &mut types, &scope)
        .translate(component)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let component = &translation.component;
    let num_resource_tables = types.num_resource_tables();
    let (types, _) = types.finish(component);

    let mut plan = Plan {
        component_instances: component.num_runtime_component_instances,
        exceptions,
        ..Plan::default()
    };
    for (_, module) in modules.iter() {
        plan.modules.push(plan::Module {
            bytes: borrow(component_bytes, module.wasm),
            adapter: false,
        });
    }
    plan.resource_tables = resources::tables(component, &types, num_resource_tables);
    let with_handles = intrinsics::trampolines(&mut plan, component, &types, &translation)?;
    initializers::initializers(&mut plan, component)?;
    resources::name_and_flag(&mut plan)?;
    resources::host_resources(&mut plan, component)?;
    plan.host_type_names = types::host_type_names(component, &types);
    intrinsics::host_calls(&mut plan, with_handles);
    exports::exports(&mut plan, component, &types)?;
    resources::mark_used(&mut plan)?;
    Ok(plan)
}

/// `module` as a slice of `input` when the translator handed out the
/// input's own bytes (every module the input contains), else a copy.
fn borrow<'a>(input: &'a [u8], module: &[u8]) -> std::borrow::Cow<'a, [u8]> {
    let start = (module.as_ptr() as usize).wrapping_sub(input.as_ptr() as usize);
    match input.get(start..start.wrapping_add(module.len())) {
        Some(slice) if slice.as_ptr() == module.as_ptr() => std::borrow::Cow::Borrowed(slice),
        _ => std::borrow::Cow::Owned(module.to_vec()),
    }
}

#[cfg(test)]
mod abi_check;
