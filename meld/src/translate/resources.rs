//! Resource types and resource table types, from the translator's view
//! into the plan's.
//!
//! The translator numbers resource table types (one per resource type per
//! component instance that sees it); the generated adapters pass those
//! numbers to the transfer intrinsics as constants, so the plan keeps the
//! same numbering ([`Plan::resource_tables`]).
//!
//! Names (`<interface>#<resource>`) are not kept by the translator; they are
//! recovered from the defining core module: the destructor's export name
//! (`<interface>#[dtor]<resource>`, as wit-bindgen names it), else the
//! `resource.new` import (`[export]<interface>` / `[resource-new]<resource>`).
//! Whether the definer opted into opaque reps is read from the
//! `wit-bindgen-opaque` custom section of the defining component instance's
//! core modules: UTF-8, first line `wit-bindgen-opaque 1`, then one
//! `<interface>#<resource>` per line.
//!
//! Resources imported from the host come after the defined ones in
//! [`Plan::resources`] ([`host_resources`]), each with its host name and an
//! [`Intrinsic::HostResourceDrop`] as destructor. Abstract resource types
//! (in component and instance types) have no runtime table: `None`.

use crate::plan::{Def, HostResource, Intrinsic, ItemKind, Plan, Resource, ResourceTable, ValType};
use anyhow::{Context, Result, bail};
use wasmparser::{ExternalKind, Payload};
use wasmtime_environ::component::{
    Component, ComponentTypes, TypeResourceTable, TypeResourceTableIndex,
};

/// The name of the custom section listing opted-in resources.
pub const OPAQUE_SECTION: &str = "wit-bindgen-opaque";

/// Every resource table type, by the translator's index.
pub fn tables(
    component: &Component,
    types: &ComponentTypes,
    count: usize,
) -> Vec<Option<ResourceTable>> {
    (0..count)
        .map(
            |i| match &types[TypeResourceTableIndex::from_u32(i as u32)] {
                TypeResourceTable::Concrete { ty, instance } => {
                    let resource = match component.defined_resource_index(*ty) {
                        Some(defined) => defined.as_u32() as usize,
                        // Imported: after the defined ones.
                        None => component.defined_resource_instances.len() + ty.as_u32() as usize,
                    };
                    Some(ResourceTable {
                        resource,
                        instance: instance.as_u32(),
                        used: false,
                    })
                }
                TypeResourceTable::Abstract(_) => None,
            },
        )
        .collect()
}

/// Appends the resources imported from the host to `plan.resources` (after
/// the defined ones, in import order), each with a new
/// [`Intrinsic::HostResourceDrop`] as its destructor.
pub fn host_resources(plan: &mut Plan, component: &Component) -> Result<()> {
    for (_, import) in component.imported_resources.iter() {
        let (index, path) = &component.imports[*import];
        let import_name = &component.import_types[*index].0;
        let (instance, name) = match path.as_slice() {
            [] => (None, import_name.clone()),
            [name] => (Some(import_name.clone()), name.clone()),
            _ => bail!(
                "host resource `{import_name}`, item `{}`: an import nested more than one instance deep (not supported yet)",
                path.join(".")
            ),
        };
        let r = plan.resources.len();
        plan.intrinsics.push(Intrinsic::HostResourceDrop(r));
        let full = match &instance {
            Some(i) => format!("{i}#{name}"),
            None => name.clone(),
        };
        plan.resources.push(Resource {
            instance: None,
            dtor: Some(Def::Intrinsic(plan.intrinsics.len() - 1)),
            host: Some(HostResource { instance, name }),
            name: Some(full),
            opaque: false,
        });
    }
    Ok(())
}

/// Marks the table types something uses: intrinsics, the adapters'
/// transfers, handles at the top level of root exports, and exported
/// resource types (the wrapper defines them with the destructor the
/// boundary exports, whether or not a function passes their handles).
pub fn mark_used(plan: &mut Plan) -> Result<()> {
    let mut used = Vec::new();
    for intrinsic in &plan.intrinsics {
        if let Intrinsic::ResourceNew { table, .. }
        | Intrinsic::ResourceRep { table, .. }
        | Intrinsic::ResourceDrop { table, .. } = intrinsic
        {
            used.push(*table);
        }
    }
    for i in 0..plan.instances.len() {
        for t in crate::transfers::of_instance(plan, i)? {
            used.extend([t.src, t.dst]);
        }
    }
    let host = plan.host_imports.iter().map(|h| &h.ty);
    for ty in plan.exports.iter().map(|e| &e.ty).chain(host) {
        for ty in ty.params.iter().map(|(_, t)| t).chain(&ty.result) {
            for h in ty.handles() {
                if let ValType::Own(t) | ValType::Borrow(t) = h {
                    used.push(*t);
                }
            }
        }
    }
    used.extend(plan.resource_exports.iter().map(|(_, t)| *t));
    for t in used {
        match plan.resource_tables.get_mut(t) {
            Some(Some(table)) => table.used = true,
            _ => bail!("resource table type {t} is used but does not exist at runtime"),
        }
    }
    Ok(())
}

/// Fills in each resource's name and opaque flag.
pub fn name_and_flag(plan: &mut Plan) -> Result<()> {
    for r in 0..plan.resources.len() {
        let Some(definer) = plan.resources[r].instance else {
            continue; // imported from the host: named by `host_resources`
        };
        let name = match dtor_name(plan, r)? {
            Some(name) => Some(name),
            None => resource_new_name(plan, r)?,
        };
        let mut opaque = false;
        if let Some(name) = &name {
            for inst in plan
                .instances
                .iter()
                .filter(|i| i.component_instance == Some(definer))
            {
                let listed = opted_in(&plan.modules[inst.module].bytes)?;
                opaque |= listed.iter().any(|l| l == name);
            }
        }
        let res = &mut plan.resources[r];
        res.name = name;
        res.opaque = opaque;
    }
    Ok(())
}

/// `<interface>#<resource>` from the destructor's export name.
fn dtor_name(plan: &Plan, r: usize) -> Result<Option<String>> {
    let Some(Def::Export {
        instance,
        kind: ItemKind::Func,
        index,
    }) = &plan.resources[r].dtor
    else {
        return Ok(None);
    };
    let bytes = &plan.modules[plan.instances[*instance].module].bytes;
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        if let Payload::ExportSection(s) = payload? {
            for e in s {
                let e = e?;
                if e.kind == ExternalKind::Func
                    && e.index == *index
                    && let Some((iface, res)) = e.name.split_once("#[dtor]")
                {
                    return Ok(Some(format!("{iface}#{res}")));
                }
            }
        }
    }
    Ok(None)
}

/// `<interface>#<resource>` from a `resource.new` import of the resource.
fn resource_new_name(plan: &Plan, r: usize) -> Result<Option<String>> {
    for inst in &plan.instances {
        let imports = imports(&plan.modules[inst.module].bytes)?;
        let func_args = inst.args.iter().zip(&imports);
        for (arg, (module, name)) in func_args {
            let Def::Intrinsic(k) = arg else { continue };
            let Intrinsic::ResourceNew { table: t, .. } = plan.intrinsics[*k] else {
                continue;
            };
            if plan.resource_tables[t].is_some_and(|t| t.resource == r)
                && let (Some(iface), Some(res)) = (
                    module.strip_prefix("[export]"),
                    name.strip_prefix("[resource-new]"),
                )
            {
                return Ok(Some(format!("{iface}#{res}")));
            }
        }
    }
    Ok(None)
}

/// A module's imports in order as (module, name); `args` are in import order.
fn imports(bytes: &[u8]) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        if let Payload::ImportSection(s) = payload? {
            for import in s.into_imports() {
                let import = import?;
                out.push((import.module.to_string(), import.name.to_string()));
            }
        }
    }
    Ok(out)
}

/// The resources a core module lists in its `wit-bindgen-opaque` section.
fn opted_in(bytes: &[u8]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        if let Payload::CustomSection(c) = payload? {
            if c.name() != OPAQUE_SECTION {
                continue;
            }
            let text = std::str::from_utf8(c.data())
                .context("the `wit-bindgen-opaque` custom section is not UTF-8")?;
            let mut lines = text.lines();
            if lines.next().map(str::trim) != Some("wit-bindgen-opaque 1") {
                bail!(
                    "the `wit-bindgen-opaque` custom section does not start with `wit-bindgen-opaque 1`"
                );
            }
            out.extend(
                lines
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(String::from),
            );
        }
    }
    Ok(out)
}
