//! The component's exports: lifted functions, at the root or inside
//! instances exported at the root (interfaces, listed with
//! [`ExportName::instance`] set and in the order their instance type
//! declares), value types and resource types.

use super::initializers::def;
use super::types::{canon_options, func_type, val_type};
use crate::plan::{self, ExportName, Plan, RootExport};
use anyhow::{Context, Result, bail};
use wasmtime_environ::component::{Component, ComponentTypes, Export, ExportIndex, TypeDef};

/// Adds every export of `component` to `plan`, in the input's order.
pub(super) fn exports(
    plan: &mut Plan,
    component: &Component,
    types: &ComponentTypes,
) -> Result<()> {
    for (name, (export, _)) in component.exports.raw_iter() {
        let name: &str = name;
        if let Export::Instance { ty, exports } = &component.export_items[*export] {
            plan.instance_exports.push(name.to_string());
            // The translator fills an exported instance's map in hash
            // order; the instance type keeps the declared order.
            let declared = &types[*ty].exports;
            let mut items: Vec<_> = exports.raw_iter().collect();
            items.sort_by_key(|(inner, _)| {
                let inner: &str = inner;
                declared
                    .keys()
                    .position(|k| k == inner)
                    .unwrap_or(usize::MAX)
            });
            for (inner, (export, _)) in items {
                let inner: &str = inner;
                let name = ExportName {
                    instance: Some(name.to_string()),
                    name: inner.to_string(),
                };
                root_export(plan, component, types, name, *export)?;
            }
            continue;
        }
        let name = ExportName {
            instance: None,
            name: name.to_string(),
        };
        root_export(plan, component, types, name, *export)?;
    }
    Ok(())
}

/// Adds export `export` (at the root or inside an exported instance) to
/// `plan`.
fn root_export(
    plan: &mut Plan,
    component: &Component,
    types: &ComponentTypes,
    name: ExportName,
    export: ExportIndex,
) -> Result<()> {
    match &component.export_items[export] {
        Export::LiftedFunction { ty, func, options } => {
            let opts = &component.options[*options];
            let post_return = opts.post_return.map(|i| i.as_u32() as usize);
            let options =
                canon_options(opts, post_return).with_context(|| format!("export `{name}`"))?;
            plan.exports.push(RootExport {
                ty: func_type(types, *ty)
                    .with_context(|| format!("the type of export `{name}`"))?,
                func: def(func)?,
                options,
                name,
            });
        }
        Export::Instance { .. } => {
            bail!(
                "export `{name}` is an instance inside an exported instance, which is not supported yet"
            )
        }
        Export::ModuleStatic { .. } | Export::ModuleImport { .. } => {
            bail!("export `{name}` is a core module, which is not supported yet")
        }
        Export::Type(TypeDef::Interface(ty)) => {
            let ty = val_type(types, *ty).with_context(|| format!("type export `{name}`"))?;
            plan.type_exports.push((name, ty));
        }
        Export::Type(TypeDef::Resource(t)) => {
            let table = t.as_u32() as usize;
            plan::runtime_table(&plan.resource_tables, table)
                .with_context(|| format!("resource export `{name}`"))?;
            plan.resource_exports.push((name, table));
        }
        Export::Type(TypeDef::Component(_) | TypeDef::ComponentInstance(_))
            if name.instance.is_none() =>
        {
            plan.type_only_exports.push(name.name);
        }
        Export::Type(other) => {
            let kind = match other {
                TypeDef::Component(_) => "a component type",
                TypeDef::ComponentInstance(_) => "an instance type",
                TypeDef::ComponentFunc(_) => "a function type",
                TypeDef::Module(_) => "a core module type",
                TypeDef::CoreFunc(_) => "a core function type",
                _ => "a type of this kind",
            };
            bail!(
                "export `{name}` is {kind}: type exports other than value and resource types are not supported yet"
            )
        }
    }
    Ok(())
}
