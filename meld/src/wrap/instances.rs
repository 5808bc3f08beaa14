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
//! Restrictions: a function of an interface may only pass handles of
//! resources that interface exports; otherwise it is an error.

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
    check(plan, iface)?;
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

    let mut exp = TypeEncoder::default();
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

/// Checks that every handle `iface`'s functions pass is of a resource it
/// exports.
fn check(plan: &Plan, iface: &Interface) -> Result<()> {
    for &(name, ty, _) in &iface.funcs {
        for ty in ty.params.iter().map(|(_, t)| t).chain(&ty.result) {
            if let ValType::Own(t) | ValType::Borrow(t) = ty {
                let r = plan.resource_tables[*t].map(|t| t.resource);
                if !iface.resources.iter().any(|(_, s, _)| Some(*s) == r) {
                    bail!(
                        "export `{name}` of `{}` passes a handle of a resource the instance does not export (not supported yet)",
                        iface.name
                    );
                }
            }
        }
    }
    Ok(())
}

/// The resource table types of plan resource `r`.
fn tables(plan: &Plan, r: usize) -> impl Iterator<Item = usize> + '_ {
    plan.resource_tables
        .iter()
        .enumerate()
        .filter(move |(_, table)| table.is_some_and(|table| table.resource == r))
        .map(|(t, _)| t)
}
