//! Re-importing host functions and host resource types at the component
//! level, under their original names: functions imported at the root stay
//! root imports, the others are grouped into one imported instance per
//! interface. A resource imported from the host is re-imported as a
//! `(sub resource)` type (exported by its interface's instance type, or
//! imported at the root), and the function types that pass its handles
//! refer to it, so the wrapper hands the host's handles through unchanged
//! (also inside compound types, see [`super::host_types`]).
//!
//! Instances are imported after the instances whose resources their
//! functions use. Interfaces using each other's resources in a cycle
//! (impossible in WIT) are an error.

use super::host_types;
use super::types::TypeEncoder;
use crate::plan::{HostResource, Plan, ValType};
use anyhow::{Context, Result};
use wasm_encoder::{
    ComponentBuilder, ComponentExportKind, ComponentTypeRef, InstanceType, TypeBounds,
};

/// What a fused-module import is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Host import `.0`, lowered.
    Func(usize),
    /// The host's `resource.drop` of plan resource `.0`.
    Drop(usize),
}

/// What is imported from one instance (`None`: the root).
struct Group<'a> {
    instance: Option<&'a str>,
    resources: Vec<usize>,
    funcs: Vec<(&'a str, usize)>,
}

/// Imports what `needs` names, once per instance and name, and the host
/// resource types the wrapper's exports use ([`exported_host_resources`]);
/// returns per need the component function (a host function) or the
/// resource type (a host `resource.drop`).
pub fn import(
    b: &mut ComponentBuilder,
    types: &mut TypeEncoder,
    plan: &Plan,
    needs: &[Need],
) -> Result<Vec<u32>> {
    let groups = dependencies_first(plan, groups(plan, needs)?);
    let mut imported = Imported::default();
    for g in &groups {
        match g.instance {
            None => import_root(b, types, plan, g, &mut imported)?,
            Some(instance) => import_instance(b, types, plan, g, instance, &mut imported)?,
        }
    }
    Ok(needs
        .iter()
        .map(|need| match *need {
            Need::Func(h) => {
                let host = &plan.host_imports[h];
                let key = (host.instance.as_deref(), host.name.as_str());
                (imported.funcs.iter())
                    .find(|(k, _)| *k == key)
                    .map(|(_, f)| *f)
                    .expect("every needed function was imported above")
            }
            Need::Drop(r) => (imported.resources.iter())
                .find(|(s, _)| *s == r)
                .map(|(_, t)| *t)
                .expect("every needed resource was imported above"),
        })
        .collect())
}

/// What has been imported: host resources with their wrapper types, host
/// functions (by instance and name) with their wrapper functions.
#[derive(Default)]
struct Imported<'a> {
    resources: Vec<(usize, u32)>,
    funcs: Vec<((Option<&'a str>, &'a str), u32)>,
}

/// Where the host defines plan resource `r`, which must be imported from
/// the host.
fn host_of<'a>(plan: &'a Plan<'_>, r: usize) -> Result<&'a HostResource> {
    plan.resources[r]
        .host
        .as_ref()
        .context("a host function passes a handle of a resource the composition defines")
}

/// What to import from each instance, in first-use order: the resources the
/// wrapper's exports name, then per need its function or resource, and
/// the resources of the handles the functions pass.
fn groups<'a>(plan: &'a Plan, needs: &[Need]) -> Result<Vec<Group<'a>>> {
    let mut groups: Vec<Group> = Vec::new();
    let add_resource = |groups: &mut Vec<Group<'a>>, r: usize| -> Result<()> {
        let g = group(groups, host_of(plan, r)?.instance.as_deref());
        if !g.resources.contains(&r) {
            g.resources.push(r);
        }
        Ok(())
    };
    for r in exported_host_resources(plan) {
        add_resource(&mut groups, r)?;
    }
    for need in needs {
        match *need {
            Need::Func(h) => {
                let host = &plan.host_imports[h];
                let g = group(&mut groups, host.instance.as_deref());
                if !g.funcs.iter().any(|(n, _)| *n == host.name) {
                    g.funcs.push((host.name.as_str(), h));
                }
                let top = host.ty.params.iter().map(|(_, t)| t).chain(&host.ty.result);
                for t in top.flat_map(ValType::handles) {
                    if let ValType::Own(t) | ValType::Borrow(t) = t {
                        add_resource(&mut groups, plan.resource_of(*t))?;
                    }
                }
            }
            Need::Drop(r) => add_resource(&mut groups, r)?,
        }
    }
    Ok(groups)
}

/// Imports the root group's resources and functions at the root.
fn import_root<'a>(
    b: &mut ComponentBuilder,
    types: &mut TypeEncoder,
    plan: &'a Plan,
    g: &Group<'a>,
    imported: &mut Imported<'a>,
) -> Result<()> {
    for &r in &g.resources {
        let name = host_of(plan, r)?.name.as_str();
        let ty = b.import(name, ComponentTypeRef::Type(TypeBounds::SubResource));
        register(plan, types, &mut imported.resources, r, ty);
    }
    for &(name, h) in &g.funcs {
        let ty = types.func(b, &plan.host_imports[h].ty);
        let f = b.import(name, ComponentTypeRef::Func(ty));
        imported.funcs.push(((None, name), f));
    }
    Ok(())
}

/// Imports `instance` with an instance type exporting the group's
/// resources and functions, and aliases them out.
fn import_instance<'a>(
    b: &mut ComponentBuilder,
    types: &mut TypeEncoder,
    plan: &'a Plan,
    g: &Group<'a>,
    instance: &'a str,
    imported: &mut Imported<'a>,
) -> Result<()> {
    let mut it = InstanceType::new();
    let mut local: Vec<(usize, u32)> = Vec::new();
    let mut names = host_types::Names::default();
    for &r in &g.resources {
        let name = host_of(plan, r)?.name.as_str();
        it.export(name, ComponentTypeRef::Type(TypeBounds::SubResource));
        local.push((r, it.type_count() - 1));
    }
    for &(name, h) in &g.funcs {
        let ty = &plan.host_imports[h].ty;
        let mut cx = host_types::Cx {
            b: &mut *b,
            types: &mut *types,
            plan,
            local: &local,
            outer: &imported.resources,
            what: (name, instance),
            names: &mut names,
        };
        let mut val = |it: &mut InstanceType, t: &ValType| host_types::val(&mut cx, it, t);
        let params = ty
            .params
            .iter()
            .map(|(n, t)| Ok((n.as_str(), val(&mut it, t)?)))
            .collect::<Result<Vec<_>>>()?;
        let result = ty.result.as_ref().map(|t| val(&mut it, t)).transpose()?;
        it.ty().function().params(params).result(result);
        it.export(name, ComponentTypeRef::Func(it.type_count() - 1));
    }
    let it = b.type_instance(None, &it);
    let inst = b.import(instance, ComponentTypeRef::Instance(it));
    for &r in &g.resources {
        let name = host_of(plan, r)?.name.as_str();
        let ty = b.alias_export(inst, name, ComponentExportKind::Type);
        register(plan, types, &mut imported.resources, r, ty);
    }
    for &(name, _) in &g.funcs {
        let f = b.alias_export(inst, name, ComponentExportKind::Func);
        imported.funcs.push(((Some(instance), name), f));
    }
    Ok(())
}

/// The host resources the wrapper's exports name: re-exported resource
/// types (wasi:http's `incoming-handler` re-exports `incoming-request`) and
/// resources whose handles root functions or exported types pass. The
/// wrapper imports them even when no component calls a host function with
/// them or drops them.
pub fn exported_host_resources(plan: &Plan) -> Vec<usize> {
    let host = |t: usize| {
        plan.resource_tables[t]
            .map(|table| table.resource)
            .filter(|&r| plan.resources[r].host.is_some())
    };
    let funcs = plan.exports.iter().flat_map(|e| {
        let params = e.ty.params.iter().map(|(_, t)| t);
        params.chain(&e.ty.result)
    });
    let types = plan.type_exports.iter().map(|(_, t)| t);
    let handles = funcs.chain(types).flat_map(ValType::handles);
    let handles = handles.filter_map(|h| match h {
        ValType::Own(t) | ValType::Borrow(t) => Some(*t),
        _ => None,
    });
    let mut out: Vec<usize> = Vec::new();
    for t in plan.resource_exports.iter().map(|(_, t)| *t).chain(handles) {
        if let Some(r) = host(t)
            && !out.contains(&r)
        {
            out.push(r);
        }
    }
    out
}

/// `groups` reordered so that each instance comes after the instances
/// defining the resources its functions use (wasi:io/streams after
/// wasi:io/error and wasi:io/poll), keeping the given order otherwise. WIT
/// interfaces cannot use each other in a cycle; if hand-written input
/// does, the remaining groups keep their order (and the type encoder
/// reports the resource it cannot name yet).
fn dependencies_first<'a>(plan: &Plan, mut groups: Vec<Group<'a>>) -> Vec<Group<'a>> {
    let uses = |g: &Group| -> Vec<Option<String>> {
        let tys = g.funcs.iter().flat_map(|&(_, h)| {
            let ty = &plan.host_imports[h].ty;
            ty.params.iter().map(|(_, t)| t).chain(&ty.result)
        });
        tys.flat_map(ValType::handles)
            .filter_map(|h| match h {
                ValType::Own(t) | ValType::Borrow(t) => {
                    plan.resources[plan.resource_of(*t)].host.as_ref()
                }
                _ => None,
            })
            .map(|host| host.instance.clone())
            .filter(|i| i.as_deref() != g.instance)
            .collect()
    };
    let mut out: Vec<Group> = Vec::new();
    while !groups.is_empty() {
        let placed = |i: &Option<String>| out.iter().any(|g| g.instance == i.as_deref());
        let next = groups
            .iter()
            .position(|g| uses(g).iter().all(placed))
            .unwrap_or(0);
        out.push(groups.remove(next));
    }
    out
}

/// The group of `instance`, added at the end if new.
fn group<'a, 'b>(groups: &'b mut Vec<Group<'a>>, instance: Option<&'a str>) -> &'b mut Group<'a> {
    match groups.iter().position(|g| g.instance == instance) {
        Some(i) => &mut groups[i],
        None => {
            groups.push(Group {
                instance,
                resources: Vec::new(),
                funcs: Vec::new(),
            });
            groups.last_mut().expect("just pushed")
        }
    }
}

/// Records that wrapper type `ty` is host resource `r`: handles of every
/// table type of `r` refer to it.
fn register(
    plan: &Plan,
    types: &mut TypeEncoder,
    resources: &mut Vec<(usize, u32)>,
    r: usize,
    ty: u32,
) {
    resources.push((r, ty));
    for (t, table) in plan.resource_tables.iter().enumerate() {
        if table.is_some_and(|table| table.resource == r) {
            types.handles.push((t, ty));
        }
    }
}
