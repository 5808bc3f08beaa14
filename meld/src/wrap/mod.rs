//! The `--component` output: a component that instantiates the fused core
//! module and lifts the input's root exports from it, with their original
//! function types and canonical options (string encoding, memory, realloc,
//! post-return).
//!
//! Host imports, and the resource types they use, are re-imported under
//! their original names (see `host` and `imports`); root-exported resources
//! become the wrapper's own resource types (see [`resources`]). Instances
//! exported at the root (interfaces) become instances of the wrapper with
//! the same name, exporting the lifted functions, the resource types and
//! the value types under their original names (see `instances`).
//!
//! Restrictions today: exported instances nested inside exported instances
//! and exported core modules are errors; for handles at the root see
//! [`resources`]. Records, variants, enums and flags keep the input's
//! name where the input exported them (at the root or in an exported
//! instance; matched structurally, as the translator does not keep names on
//! function types; a root function's type named only inside an exported
//! instance is exported at the root under that name when it is free);
//! others used by an exported or imported function are exported at the root
//! under generated names (`meld-t<N>`).

mod host;
mod host_types;
mod imports;
mod instances;
mod lift;
mod options;
pub mod resources;
mod saved;
mod shell;
pub mod shim;
mod types;

use lift::{Lifter, export_types};
use types::{Naming, TypeEncoder};

use crate::encode;
use crate::merge::CoreExports;
use crate::plan::{ExportName, Plan};
use anyhow::{Context, Result};
use wasm_encoder::{ComponentBuilder, ComponentExportKind};

/// Wraps the fused `core` module in a component that imports what `input`
/// imports, declared as `input` declares it ([`shell`]), and exports
/// `plan`'s root exports; validates it.
pub fn wrap(input: &[u8], plan: &Plan, exports: &CoreExports, core: &[u8]) -> Result<Vec<u8>> {
    let inner = wrapper(plan, exports, core)?;
    let outer = shell::shell(input, plan, inner.clone())?;
    match encode::validate_component(outer, plan.exceptions) {
        Ok(outer) => Ok(outer),
        // Re-exporting the wrapper's root resource types (and types naming
        // them) through an alias is not valid yet (see [`shell`]): such
        // inputs keep the wrapper's own import types.
        Err(_) if plan.type_only_exports.is_empty() => {
            encode::validate_component(inner, plan.exceptions)
        }
        Err(e) => Err(e),
    }
}

/// The component around `core` whose imports are typed from the plan.
fn wrapper(plan: &Plan, exports: &CoreExports, core: &[u8]) -> Result<Vec<u8>> {
    resources::check(plan)?;
    let core_types = export_types(core)?;
    let mut b = ComponentBuilder::default();
    let mut types = TypeEncoder::default();
    let root = |n: &ExportName| n.instance.is_none();
    types.used = (plan.exports.iter().map(|e| &e.name))
        .chain(plan.type_exports.iter().map(|(n, _)| n))
        .chain(plan.resource_exports.iter().map(|(n, _)| n))
        .filter(|n| root(n))
        .map(|n| n.name.clone())
        .chain(plan.instance_exports.iter().cloned())
        .collect();
    types.preferred = (plan.type_exports.iter())
        .filter(|(n, _)| !root(n))
        .map(|(n, ty)| (ty.clone(), n.name.clone()))
        .collect();
    let module = b.core_module_raw(Some("fused"), core);
    let instance = imports::instantiate(&mut b, &mut types, plan, exports, module, core)?;
    let mut res = resources::Resources::define(&mut b, plan, instance, &types.handles)?;
    res.import_host_types(plan, &types.handles);
    types.handles.extend(res.handle_types.iter().copied());
    // After the resource types: a type may hold handles.
    for (name, ty) in &plan.type_exports {
        if name.instance.is_none() {
            types.export(&mut b, &name.name, ty);
        }
    }
    let lifter = Lifter {
        plan,
        exports,
        res: &res,
        fused: instance,
        core_types: &core_types,
    };
    let funcs = plan.exports.iter().zip(&exports.root);

    let mut local = TypeEncoder::new(Naming::Local, types.handles.clone());
    for name in &plan.instance_exports {
        let here = |n: &ExportName| n.instance.as_ref() == Some(name);
        let mut iface = instances::Interface {
            name,
            resources: Vec::new(),
            types: Vec::new(),
            funcs: Vec::new(),
        };
        for (n, r, ty) in res.in_instances.iter().filter(|(n, ..)| here(n)) {
            iface.resources.push((&n.name, *r, *ty));
        }
        for (n, ty) in plan.type_exports.iter().filter(|(n, _)| here(n)) {
            iface.types.push((&n.name, ty));
        }
        for (export, core_name) in funcs.clone().filter(|(e, _)| here(&e.name)) {
            let f = lifter.lift(&mut b, &mut local, export, core_name)?;
            iface.funcs.push((&export.name.name, &export.ty, f));
        }
        instances::export(&mut b, plan, &mut local, &iface)
            .with_context(|| format!("exported instance `{name}`"))?;
    }
    for (export, core_name) in funcs.filter(|(e, _)| e.name.instance.is_none()) {
        let f = lifter.lift(&mut b, &mut types, export, core_name)?;
        b.export(&export.name.name, ComponentExportKind::Func, f, None);
    }
    Ok(b.finish())
}
