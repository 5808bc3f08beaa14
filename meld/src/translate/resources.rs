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
//! Resources imported from the host are not supported yet: a table type of
//! one is recorded as `None`, and an intrinsic using it is an error.

use crate::plan::{Def, Intrinsic, ItemKind, Plan, ResourceTable, ValType};
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
                    let defined = component.defined_resource_index(*ty)?;
                    Some(ResourceTable {
                        resource: defined.as_u32() as usize,
                        instance: instance.as_u32(),
                        used: false,
                    })
                }
                TypeResourceTable::Abstract(_) => None,
            },
        )
        .collect()
}

/// Marks the table types something uses: intrinsics, the adapters'
/// transfers, and handles at the top level of root exports.
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
        for t in crate::merge::transfers::of_instance(plan, i)? {
            used.extend([t.src, t.dst]);
        }
    }
    for e in &plan.exports {
        for ty in e.ty.params.iter().map(|(_, t)| t).chain(&e.ty.result) {
            if let ValType::Own(t) | ValType::Borrow(t) = ty {
                used.push(*t);
            }
        }
    }
    for t in used {
        match plan.resource_tables.get_mut(t) {
            Some(Some(table)) => table.used = true,
            _ => bail!(
                "resource table type {t} is used but does not exist at runtime (a resource imported from the host is not supported yet)"
            ),
        }
    }
    Ok(())
}

/// Fills in each resource's name and opaque flag.
pub fn name_and_flag(plan: &mut Plan) -> Result<()> {
    for r in 0..plan.resources.len() {
        let name = match dtor_name(plan, r)? {
            Some(name) => Some(name),
            None => resource_new_name(plan, r)?,
        };
        let definer = plan.resources[r].instance;
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
