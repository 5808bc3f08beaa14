//! The wrapper's exported instances (interfaces).
//!
//! Each instance the input exports at the root becomes, as in
//! wit-component, a small nested component that imports the interface's
//! resource types (`(sub resource)`), value types (`eq` bounds) and lifted
//! functions, and exports them under their original names (functions
//! ascribed with types that refer to the exported types, which is what the
//! validator's naming rules for resource methods and named types need).
//! The wrapper instantiates it with its own resource types, types and
//! lifted functions and exports the instance under the interface's name.
//! A bag-of-exports instance would not do: it cannot export resource
//! methods (`[constructor]r`), whose resource must be named in the
//! exporting context.
//!
//! Handles of resources imported from the host (e.g. wasi:http's
//! `incoming-handler.handle(request: own<incoming-request>, ..)`) are
//! supported too: the nested component imports each such resource type as
//! a `(sub resource)` (by position, `import-host-type-r<N>`), the wrapper
//! passes its re-imported host type, and the nested component's function
//! types refer to that import (it does not export it: the host's interface
//! defines it).
//!
//! Restrictions: a function or type of an interface may only pass handles
//! of resources that interface exports or that the wrapper imports from
//! the host; otherwise (e.g. a resource another exported interface
//! defines) it is an error.

use super::types::{IMPORT_TYPE, Naming, TypeEncoder};
use crate::plan::{FuncType, Plan, ValType};
use anyhow::{Result, bail};
use wasm_encoder::{ComponentBuilder, ComponentExportKind, ComponentTypeRef, TypeBounds};

/// One exported instance of the wrapper and what it exports.
pub struct Interface<'a> {
    /// The instance's export name, e.g. `my:pkg/api`.
    pub name: &'a str,
    /// Resource types: name, plan resource, the wrapper's resource type.
    pub resources: Vec<(&'a str, usize, u32)>,
    /// Value types: name and type.
    pub types: Vec<(&'a str, &'a ValType)>,
    /// Functions: name, type, the wrapper's lifted function.
    pub funcs: Vec<(&'a str, &'a FuncType, u32)>,
}

/// Builds the nested component of `iface`, instantiates it and exports the
/// instance from `b`. `outer` is a [`Naming::Local`] encoder of `b` (it
/// defines the type arguments).
pub fn export(
    b: &mut ComponentBuilder,
    plan: &Plan,
    outer: &mut TypeEncoder,
    iface: &Interface,
) -> Result<()> {
    let host = check(plan, outer, iface)?;
    let mut n = ComponentBuilder::default();
    let mut args: Vec<(String, ComponentExportKind, u32)> = Vec::new();
    let mut imp = TypeEncoder::new(Naming::Import, Vec::new());
    let mut resources = Vec::new();
    for &(name, r, wrapper) in &iface.resources {
        let import = format!("{IMPORT_TYPE}{name}");
        let i = n.import(&import, ComponentTypeRef::Type(TypeBounds::SubResource));
        imp.handles.extend(tables(plan, r).map(|t| (t, i)));
        resources.push(i);
        args.push((import, ComponentExportKind::Type, wrapper));
    }
    let mut host_types = Vec::new();
    for (k, &(r, wrapper)) in host.iter().enumerate() {
        let import = format!("import-host-type-r{k}");
        let i = n.import(&import, ComponentTypeRef::Type(TypeBounds::SubResource));
        imp.handles.extend(tables(plan, r).map(|t| (t, i)));
        host_types.extend(tables(plan, r).map(|t| (t, i)));
        args.push((import, ComponentExportKind::Type, wrapper));
    }
    for &(name, ty) in &iface.types {
        imp.export(&mut n, name, ty);
    }
    let mut funcs = Vec::new();
    for (k, &(_, ty, f)) in iface.funcs.iter().enumerate() {
        let fty = imp.func(&mut n, ty);
        // By position: a name like `[constructor]r` is no import name.
        let import = format!("import-func-f{k}");
        funcs.push(n.import(&import, ComponentTypeRef::Func(fty)));
        args.push((import, ComponentExportKind::Func, f));
    }
    for (import, ty) in &imp.imported {
        args.push((
            import.clone(),
            ComponentExportKind::Type,
            outer.index(b, ty),
        ));
    }

    let mut exp = TypeEncoder::new(Naming::Export, host_types);
    for (&(name, r, _), &i) in iface.resources.iter().zip(&resources) {
        let e = n.export(name, ComponentExportKind::Type, i, None);
        exp.handles.extend(tables(plan, r).map(|t| (t, e)));
    }
    for &(name, ty) in &iface.types {
        exp.export(&mut n, name, ty);
    }
    for (&(name, ty, _), &f) in iface.funcs.iter().zip(&funcs) {
        let fty = exp.func(&mut n, ty);
        n.export(
            name,
            ComponentExportKind::Func,
            f,
            Some(ComponentTypeRef::Func(fty)),
        );
    }
    let component = b.component(Some(iface.name), n);
    let instance = b.instantiate(Some(iface.name), component, args);
    b.export(iface.name, ComponentExportKind::Instance, instance, None);
    Ok(())
}

/// Checks that every handle `iface`'s functions and types pass is of a
/// resource it exports or of a host resource the wrapper imported (type in
/// `outer`); returns those host resources with the wrapper's types.
fn check(plan: &Plan, outer: &TypeEncoder, iface: &Interface) -> Result<Vec<(usize, u32)>> {
    let mut host = Vec::new();
    let funcs = iface.funcs.iter().flat_map(|&(name, ty, _)| {
        let tys = ty.params.iter().map(|(_, t)| t).chain(&ty.result);
        tys.map(move |t| (name, t))
    });
    let types = iface.types.iter().map(|&(name, ty)| (name, ty));
    for (name, ty) in funcs.chain(types) {
        for h in ty.handles() {
            let (ValType::Own(t) | ValType::Borrow(t)) = h else {
                continue;
            };
            let r = plan.resource_tables[*t].map(|t| t.resource);
            if iface.resources.iter().any(|(_, s, _)| Some(*s) == r) {
                continue;
            }
            let wrapper = outer.handles.iter().find(|(u, _)| u == t).map(|(_, w)| *w);
            match (r, wrapper) {
                (Some(r), Some(w)) if plan.resources[r].host.is_some() => {
                    if !host.iter().any(|(s, _)| *s == r) {
                        host.push((r, w));
                    }
                }
                _ => bail!(
                    "export `{name}` of `{}` passes a handle of a resource neither the instance exports nor the host provides (not supported yet)",
                    iface.name
                ),
            }
        }
    }
    Ok(host)
}

/// The resource table types of plan resource `r`.
fn tables<'a>(plan: &'a Plan<'_>, r: usize) -> impl Iterator<Item = usize> + 'a {
    plan.resource_tables
        .iter()
        .enumerate()
        .filter(move |(_, table)| table.is_some_and(|table| table.resource == r))
        .map(|(t, _)| t)
}
