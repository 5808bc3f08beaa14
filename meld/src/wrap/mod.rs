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

pub(crate) mod abi;
pub(crate) mod convert;
mod host;
mod host_types;
mod imports;
mod instances;
pub mod resources;
mod saved;
pub mod shim;
mod types;

use types::{Naming, TypeEncoder};

use crate::encode;
use crate::merge::CoreExports;
use crate::plan::{CanonOptions, ExportName, Plan, RootExport, StringEncoding};
use anyhow::{Context, Result};
use wasm_encoder::{CanonicalOption, ComponentBuilder, ComponentExportKind, ExportKind};

/// Wraps the fused `core` module in a component exporting `plan`'s root
/// exports, and validates it.
pub fn wrap(plan: &Plan, exports: &CoreExports, core: &[u8]) -> Result<Vec<u8>> {
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
    encode::validate_component(b.finish())
}

/// Lifts exported functions out of the fused instance.
struct Lifter<'a> {
    plan: &'a Plan,
    exports: &'a CoreExports,
    res: &'a resources::Resources,
    fused: u32,
    core_types: &'a [(String, wasmparser::FuncType)],
}

impl Lifter<'_> {
    /// Lifts `export` (the fused module's export `core_name`); returns the
    /// component function.
    fn lift(
        &self,
        b: &mut ComponentBuilder,
        types: &mut TypeEncoder,
        export: &RootExport,
        core_name: &str,
    ) -> Result<u32> {
        let ty = types.func(b, &export.ty);
        let core_ty = self
            .core_types
            .iter()
            .find(|(n, _)| n == core_name)
            .map(|(_, t)| t)
            .with_context(|| format!("the fused module does not export `{core_name}`"))?;
        let post_name = export
            .options
            .post_return
            .map(|p| self.exports.post_returns[p].as_str());
        let memory = export
            .options
            .memory
            .map(|m| self.exports.memories[m].as_str());
        let (core_func, post) = self.res.lifted(
            b,
            self.plan,
            export,
            (core_name, post_name, memory),
            self.fused,
            core_ty,
        )?;
        let mut options = options(b, self.fused, self.exports, &export.options);
        if let Some(post) = post {
            for o in &mut options {
                if let CanonicalOption::PostReturn(f) = o {
                    *f = post;
                }
            }
        }
        Ok(b.lift_func(Some(core_name), core_func, ty, options))
    }
}

/// Aliases what the canonical options name out of the fused instance.
fn options(
    b: &mut ComponentBuilder,
    instance: u32,
    exports: &CoreExports,
    opts: &CanonOptions,
) -> Vec<CanonicalOption> {
    let mut out = vec![match opts.string_encoding {
        StringEncoding::Utf8 => CanonicalOption::UTF8,
        StringEncoding::Utf16 => CanonicalOption::UTF16,
        StringEncoding::CompactUtf16 => CanonicalOption::CompactUTF16,
    }];
    if let Some(m) = opts.memory {
        out.push(CanonicalOption::Memory(b.core_alias_export(
            None,
            instance,
            &exports.memories[m],
            ExportKind::Memory,
        )));
    }
    if let Some(r) = opts.realloc {
        out.push(CanonicalOption::Realloc(b.core_alias_export(
            None,
            instance,
            &exports.reallocs[r],
            ExportKind::Func,
        )));
    }
    if let Some(p) = opts.post_return {
        let f = b.core_alias_export(None, instance, &exports.post_returns[p], ExportKind::Func);
        out.push(CanonicalOption::PostReturn(f));
    }
    out
}

/// The fused module's exported functions and their core types.
fn export_types(core: &[u8]) -> Result<Vec<(String, wasmparser::FuncType)>> {
    let mut types = Vec::new();
    let mut funcs = Vec::new();
    let mut exports = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(core) {
        match payload? {
            wasmparser::Payload::TypeSection(r) => {
                for ty in r.into_iter_err_on_gc_types() {
                    types.push(ty?);
                }
            }
            wasmparser::Payload::ImportSection(r) => {
                for import in r.into_imports() {
                    if let wasmparser::TypeRef::Func(t) = import?.ty {
                        funcs.push(t);
                    }
                }
            }
            wasmparser::Payload::FunctionSection(r) => {
                for t in r {
                    funcs.push(t?);
                }
            }
            wasmparser::Payload::ExportSection(r) => {
                for e in r {
                    let e = e?;
                    if e.kind == wasmparser::ExternalKind::Func {
                        let ty = types[funcs[e.index as usize] as usize].clone();
                        exports.push((e.name.to_string(), ty));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(exports)
}
