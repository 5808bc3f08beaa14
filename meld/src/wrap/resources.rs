//! Root-exported resources in the wrapping component.
//!
//! Each resource the input exports at the root becomes a resource type of
//! the wrapper (`rep i32`: the defining instance's rep; destructor: the
//! fused module's `meld:dtor<N>`, which runs the definer's destructor), so
//! the host holds handles in the wrapper's canonical table. A root export
//! that takes or returns handles is lifted from a small boundary module
//! ([`super::shim`]) that converts each handle between that table and the
//! inner table of the instance that lifted the export (see
//! [`crate::runtime::resources::boundary`] for the conversions). A
//! post-return function of such an export is lifted through the boundary
//! module too, and receives what the original function returned.
//!
//! Resources exported inside exported instances are supported the same
//! way: their wrapper types are exported by the wrapper's instance (see
//! `super::instances`).
//!
//! Supported: `own` and `borrow` handles anywhere in the parameters of a
//! root export, whether passed flat or, past 16 core values, through
//! memory (converted in place there), and `own` handles anywhere in its
//! result: at the top level, inside records, tuples, variants, options,
//! results and lists (converted by [`crate::abi::walk`], also where a
//! variant joins a handle with another case's flat type); types holding
//! handles.
//!
//! Handles of resources imported from the host (re-imported by
//! `wrap::host`) are supported in root functions and in functions of
//! exported instances (see `wrap::instances`): the inner handle's rep is the
//! wrapper's handle, so an own parameter enters the inner table with the
//! wrapper's handle as rep, an own result leaves it and returns its rep,
//! and a borrow parameter, wherever it is (inside lists too), becomes an
//! inner borrow in the call's scope whose wrapper borrow is saved by the
//! boundary module (`wrap::saved`) and dropped (`resource.drop` of the
//! imported type) after the call. Host resource types may be re-exported
//! (at the root or by an exported interface, as wit-component encodes a
//! `use`d type): the wrapper exports its imported type.
//!
//! Errors: returning a borrow; resources used at the root but neither
//! exported there nor imported from the host; type exports holding handles
//! of resources that are neither.
//! (Handles passed to and from host functions are handled by
//! `wrap::host` and [`crate::runtime::resources::host_call`].)

use super::shim;
use crate::plan::{ExportName, Plan, RootExport, ValType};
use crate::runtime::resources::boundary::BoundaryFn;
use anyhow::{Context, Result, bail};
use wasm_encoder::{ComponentBuilder, ComponentExportKind, ExportKind, ValType as CoreType};

/// A wrapper resource type.
struct WrapperResource {
    /// The plan's resource.
    resource: usize,
    /// The type's index where it is defined (for the canonical built-ins).
    local: u32,
}

/// The wrapper's resource types and what the functions lifted with them
/// need.
#[derive(Default)]
pub struct Resources {
    defined: Vec<WrapperResource>,
    /// Per plan resource table type: the exported wrapper type handles of
    /// it refer to.
    pub handle_types: Vec<(usize, u32)>,
    /// Resources exported inside exported instances: their names, plan
    /// resources and the wrapper types to export there (not exported at
    /// the root).
    pub in_instances: Vec<(ExportName, usize, u32)>,
    /// Resources imported from the host: plan resource and the wrapper's
    /// imported type (for `resource.drop` of the borrows it receives).
    pub host_types: Vec<(usize, u32)>,
}

/// Checks that every handle in `plan`'s root interface is one the wrapper
/// can convert.
pub fn check(plan: &Plan) -> Result<()> {
    let exported = |t: usize| {
        let r = plan
            .resource_tables
            .get(t)
            .copied()
            .flatten()
            .map(|t| t.resource);
        plan.resource_exports.iter().any(|(_, u)| {
            plan.resource_tables
                .get(*u)
                .copied()
                .flatten()
                .map(|u| u.resource)
                == r
        })
    };
    let host = |t: usize| {
        let r = plan
            .resource_tables
            .get(t)
            .copied()
            .flatten()
            .map(|t| t.resource);
        r.is_some_and(|r| plan.resources[r].host.is_some())
    };
    for e in &plan.exports {
        let what = || format!("root export `{}`", e.name);
        let top = e.ty.params.iter().map(|(_, t)| t).chain(&e.ty.result);
        for ty in top.flat_map(ValType::handles) {
            match ty {
                ValType::Own(t) | ValType::Borrow(t) if host(*t) => {}
                ValType::Own(t) | ValType::Borrow(t) if !exported(*t) => bail!(
                    "{} uses a resource the composition does not export at the root (not supported yet)",
                    what()
                ),
                _ => {}
            }
        }
        let result = e.ty.result.iter().flat_map(ValType::handles);
        if result.into_iter().any(|h| matches!(h, ValType::Borrow(_))) {
            bail!("{} returns a borrow", what());
        }
    }
    for (name, ty) in &plan.type_exports {
        for h in ty.handles() {
            if let ValType::Own(t) | ValType::Borrow(t) = h
                && !host(*t)
                && !exported(*t)
            {
                bail!(
                    "type export `{name}` holds a handle of a resource that is neither exported nor imported from the host (not supported yet)"
                );
            }
        }
    }
    Ok(())
}

impl Resources {
    /// Defines the wrapper's resource types and exports those exported at
    /// the root (after the fused core instance `fused` exists: their
    /// destructors are its exports); those exported inside instances are
    /// listed in [`Resources::in_instances`]. A re-exported host resource
    /// (wasi:http's `incoming-handler` re-exports `incoming-request`) is
    /// the wrapper's imported type, found in `imported` (table type →
    /// imported type).
    pub fn define(
        b: &mut ComponentBuilder,
        plan: &Plan,
        fused: u32,
        imported: &[(usize, u32)],
    ) -> Result<Self> {
        let mut out = Resources::default();
        for (name, t) in &plan.resource_exports {
            let r = plan.resource_tables[*t]
                .expect("the translator checked root resource exports")
                .resource;
            let host = plan.resources[r].host.is_some();
            let local = match out.defined.iter().find(|d| d.resource == r) {
                Some(d) => d.local,
                None if host => imported
                    .iter()
                    .find(|(u, _)| plan.resource_tables[*u].is_some_and(|u| u.resource == r))
                    .map(|(_, ty)| *ty)
                    .with_context(|| {
                        format!("root resource export `{name}`: the host type is not imported")
                    })?,
                None => {
                    let dtor = BoundaryFn::Dtor(r).export_name();
                    let dtor = b.core_alias_export(None, fused, &dtor, ExportKind::Func);
                    let local = b.type_resource(None, CoreType::I32, Some(dtor));
                    out.defined.push(WrapperResource { resource: r, local });
                    local
                }
            };
            let exported = match name.instance {
                None => b.export(name.name.as_str(), ComponentExportKind::Type, local, None),
                Some(_) => {
                    out.in_instances.push((name.clone(), r, local));
                    local
                }
            };
            for (u, table) in plan.resource_tables.iter().enumerate() {
                if table.is_some_and(|table| table.resource == r)
                    && !out.handle_types.iter().any(|(v, _)| *v == u)
                {
                    out.handle_types.push((u, exported));
                }
            }
        }
        Ok(out)
    }

    /// Records the host resource types the wrapper imported (`handles`:
    /// table type → imported type). Every host resource a root export
    /// names is among them (`wrap::host::exported_host_resources`).
    pub fn import_host_types(&mut self, plan: &Plan, handles: &[(usize, u32)]) {
        for &(t, ty) in handles {
            if let Some(r) = plan.resource_tables[t].map(|t| t.resource)
                && plan.resources[r].host.is_some()
                && !self.host_types.iter().any(|(s, _)| *s == r)
            {
                self.host_types.push((r, ty));
            }
        }
    }

    /// The core function to lift for `export`: the fused module's own, or a
    /// boundary shim when the export passes handles; with the post-return
    /// to lift it with instead of the fused module's `post_return` (the
    /// export name of its post-return), if any.
    pub fn lifted(
        &self,
        b: &mut ComponentBuilder,
        plan: &Plan,
        export: &RootExport,
        (core_name, post_return, memory): (&str, Option<&str>, Option<&str>),
        fused: u32,
        core_ty: &wasmparser::FuncType,
    ) -> Result<(u32, Option<u32>)> {
        let top = export
            .ty
            .params
            .iter()
            .map(|(_, t)| t)
            .chain(&export.ty.result);
        if !top.clone().any(has_handle) {
            let f = b.core_alias_export(None, fused, core_name, ExportKind::Func);
            return Ok((f, None));
        }
        let (module, imports) = shim::module(plan, export, core_ty, post_return.is_some(), memory)
            .with_context(|| format!("the boundary shim of root export `{}`", export.name))?;
        let mut args: Vec<(String, ExportKind, u32)> = Vec::new();
        let mut wrapper: Vec<(String, u32)> = Vec::new();
        for (module, name, kind) in imports {
            if module == "wrapper" {
                wrapper.push((name, 0));
            } else {
                args.push((name, kind, 0));
            }
        }
        for (name, kind, index) in &mut args {
            let fused_name = match name.as_str() {
                "f" => core_name,
                "post" => post_return.expect("`post` is imported only with a post-return"),
                other => other,
            };
            *index = b.core_alias_export(None, fused, fused_name, *kind);
        }
        for (name, index) in &mut wrapper {
            let (op, r) = name.split_at(name.find(|c: char| c.is_ascii_digit()).unwrap());
            let r: usize = r.parse().expect("builtin names end in a resource index");
            let local = (self.defined.iter())
                .find(|d| d.resource == r)
                .map(|d| d.local)
                .or_else(|| self.host_types.iter().find(|(s, _)| *s == r).map(|p| p.1))
                .expect("checked: handles are of exported or imported resources");
            *index = match op {
                "new" => b.resource_new(local),
                "rep" => b.resource_rep(local),
                _ => b.resource_drop(local),
            };
        }
        let fused_args = b.core_instantiate_exports(
            None,
            args.iter()
                .map(|(n, k, i)| (n.as_str(), *k, *i))
                .collect::<Vec<_>>(),
        );
        let wrapper_args = b.core_instantiate_exports(
            None,
            wrapper
                .iter()
                .map(|(n, i)| (n.as_str(), ExportKind::Func, *i))
                .collect::<Vec<_>>(),
        );
        let module = b.core_module(Some("boundary"), &module);
        let instance = b.core_instantiate(
            Some("boundary"),
            module,
            [
                ("fused", wasm_encoder::ModuleArg::Instance(fused_args)),
                ("wrapper", wasm_encoder::ModuleArg::Instance(wrapper_args)),
            ],
        );
        let f = b.core_alias_export(None, instance, "f", ExportKind::Func);
        let post =
            post_return.map(|_| b.core_alias_export(None, instance, "post", ExportKind::Func));
        Ok((f, post))
    }
}

/// Whether `ty` is or contains a handle.
pub fn has_handle(ty: &ValType) -> bool {
    ty.has_handle()
}
