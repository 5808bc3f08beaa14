//! The translator's trampolines (what the adapters and lowerings import from
//! the runtime) as the plan's [`Intrinsic`]s, and the host functions the
//! composition lowers as [`HostImport`](plan::HostImport)s; and the
//! plan rewrites of host calls: handles ([`host_calls`]) and, for
//! `--memory single`, addresses and shared imports.

use super::types::{canon_options, func_type, transcode};
use crate::plan::{self, FuncType, Intrinsic, Plan, ValType};
use anyhow::{Context, Result, bail};
use wasmtime_environ::component::{
    Component, ComponentTranslation, ComponentTypes, GlobalInitializer, Trampoline,
};

/// Adds one intrinsic per trampoline, in the translator's order, and one
/// host import per lowering; returns the (intrinsic, host import) pairs of
/// host imports passing handles, for [`host_calls`].
pub(super) fn trampolines(
    plan: &mut Plan,
    component: &Component,
    types: &ComponentTypes,
    translation: &ComponentTranslation,
) -> Result<Vec<(usize, usize)>> {
    // Which host import each lowering lowers.
    let mut lowered = std::collections::HashMap::new();
    for init in &component.initializers {
        if let GlobalInitializer::LowerImport { index, import } = init {
            lowered.insert(*index, *import);
        }
    }
    let mut with_handles = Vec::new();
    for (index, trampoline) in translation.trampolines.iter() {
        debug_assert_eq!(index.as_u32() as usize, plan.intrinsics.len());
        let intrinsic = match trampoline {
            Trampoline::LowerImport {
                index,
                lower_ty,
                options,
            } => {
                let import = lowered
                    .get(index)
                    .context("a lowering without its import")?;
                let (import_index, path) = &component.imports[*import];
                let import_name = &component.import_types[*import_index].0;
                let (instance, name) = match path.as_slice() {
                    [] => (None, import_name.clone()),
                    [name] => (Some(import_name.clone()), name.clone()),
                    _ => bail!(
                        "host import `{import_name}`, item `{}`: an import nested more than one instance deep (not supported yet)",
                        path.join(".")
                    ),
                };
                let what = format!("host import `{}`", path.last().unwrap_or(import_name));
                let ty =
                    func_type(types, *lower_ty).with_context(|| format!("the type of {what}"))?;
                let options = canon_options(&component.options[*options], None)
                    .with_context(|| what.clone())?;
                if host_handles(&ty) {
                    with_handles.push((plan.intrinsics.len(), plan.host_imports.len()));
                }
                plan.host_imports.push(plan::HostImport {
                    instance,
                    name,
                    ty,
                    options,
                });
                Intrinsic::HostImport(plan.host_imports.len() - 1)
            }
            other => intrinsic(other, &plan.resource_tables)?,
        };
        plan.intrinsics.push(intrinsic);
    }

    Ok(with_handles)
}

/// Makes each host import passing handles (`with_handles`, from
/// [`trampolines`]) a converting call: the trampoline becomes an
/// [`Intrinsic::HostCall`], and the raw import an intrinsic of its own.
pub(super) fn host_calls(plan: &mut Plan, with_handles: Vec<(usize, usize)>) {
    for (trampoline, host) in with_handles {
        plan.intrinsics.push(Intrinsic::HostImport(host));
        let import = plan.intrinsics.len() - 1;
        plan.intrinsics[trampoline] = Intrinsic::HostCall { host, import };
    }
}

/// Whether host import type `ty` passes handles, anywhere in its
/// parameters or result.
fn host_handles(ty: &FuncType) -> bool {
    ty.params
        .iter()
        .map(|(_, t)| t)
        .chain(&ty.result)
        .any(ValType::has_handle)
}

/// The plan's form of every other trampoline.
fn intrinsic(trampoline: &Trampoline, tables: &[Option<plan::ResourceTable>]) -> Result<Intrinsic> {
    let table = |ty: wasmtime_environ::component::TypeResourceTableIndex| {
        plan::runtime_table(tables, ty.as_u32() as usize).map(|_| ty.as_u32() as usize)
    };
    Ok(match trampoline {
        Trampoline::Trap => Intrinsic::Trap,
        Trampoline::Transcoder {
            op,
            from,
            from64,
            to,
            to64,
        } => {
            if *from64 || *to64 {
                bail!("transcoding strings in a 64-bit memory is not supported yet");
            }
            Intrinsic::Transcode {
                op: transcode(*op),
                from: from.as_u32() as usize,
                to: to.as_u32() as usize,
            }
        }
        Trampoline::ResourceNew { instance, ty } => Intrinsic::ResourceNew {
            instance: instance.as_u32(),
            table: table(*ty)?,
        },
        Trampoline::ResourceRep { instance, ty } => Intrinsic::ResourceRep {
            instance: instance.as_u32(),
            table: table(*ty)?,
        },
        Trampoline::ResourceDrop { instance, ty } => Intrinsic::ResourceDrop {
            instance: instance.as_u32(),
            table: table(*ty)?,
        },
        Trampoline::ResourceTransferOwn => Intrinsic::ResourceTransferOwn,
        Trampoline::ResourceTransferBorrow => Intrinsic::ResourceTransferBorrow,
        Trampoline::EnterSyncCall => Intrinsic::EnterSyncCall,
        Trampoline::ExitSyncCall => Intrinsic::ExitSyncCall,
        other => bail!("`{}` is not supported yet", variant_name(other)),
    })
}

/// The variant name of a trampoline, e.g. `StreamRead`.
fn variant_name(trampoline: &Trampoline) -> String {
    let debug = format!("{trampoline:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Makes every host import that passes addresses in its memory
/// ([`crate::abi::flat::passes_addresses`]) a converting call ([`Intrinsic::HostCall`]), as `--memory single`
/// needs: the host sees absolute addresses where the caller uses
/// region-relative ones.
pub fn convert_addresses(plan: &mut Plan) {
    let raw: Vec<usize> = (plan.intrinsics.iter())
        .filter_map(|i| match i {
            Intrinsic::HostCall { import, .. } => Some(*import),
            _ => None,
        })
        .collect();
    let with_addresses = (plan.intrinsics.iter().enumerate())
        .filter_map(|(k, i)| match i {
            Intrinsic::HostImport(h) if !raw.contains(&k) => Some((k, *h)),
            _ => None,
        })
        .filter(|(_, h)| {
            let import = &plan.host_imports[*h];
            import.options.memory.is_some() && crate::abi::flat::passes_addresses(&import.ty)
        })
        .collect();
    host_calls(plan, with_addresses);
}

/// Makes lowerings of the same host function share one import where they
/// differ only in memory and realloc, as they do under `--memory single`
/// (one memory, addresses converted by [`convert_addresses`]'s calls, the
/// host's allocations dispatched to the caller's realloc): each use of a
/// later one's raw import becomes a use of the first's. The fused module
/// then imports each host function once, as wit-component expects of a
/// core module.
pub fn share_host_imports(plan: &mut Plan) {
    use crate::plan::Def;
    // One host function has one type (its handles name the caller's
    // tables, which the converting calls deal with).
    let key = |plan: &Plan, h: usize| {
        let import = &plan.host_imports[h];
        let encoding = import.options.string_encoding;
        (import.instance.clone(), import.name.clone(), encoding)
    };
    let mut first: Vec<(usize, usize)> = Vec::new(); // (intrinsic, host import)
    let mut replaced = std::collections::HashMap::new();
    for k in 0..plan.intrinsics.len() {
        let Intrinsic::HostImport(h) = plan.intrinsics[k] else {
            continue;
        };
        match first.iter().find(|(_, g)| key(plan, *g) == key(plan, h)) {
            Some(&(k0, _)) => {
                replaced.insert(k, k0);
            }
            None => first.push((k, h)),
        }
    }
    for intrinsic in &mut plan.intrinsics {
        if let Intrinsic::HostCall { import, .. } = intrinsic
            && let Some(k0) = replaced.get(import)
        {
            *import = *k0;
        }
    }
    for inst in &mut plan.instances {
        for arg in &mut inst.args {
            if let Def::Intrinsic(k) = arg
                && let Some(k0) = replaced.get(k)
            {
                *k = *k0;
            }
        }
    }
}
