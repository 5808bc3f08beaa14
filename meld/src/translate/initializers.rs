//! The component's initializers, in order: core instantiations, the
//! memories, reallocs and post-returns canonical options name, and the
//! resources the composition defines; and the plan's form of the core
//! definitions they name.

use crate::plan::{self, Def, Instantiation, ItemKind, Plan};
use anyhow::{Context, Result, bail};
use wasmtime_environ::EntityIndex;
use wasmtime_environ::component::{
    Component, CoreDef, ExportItem, GlobalInitializer, InstantiateModule,
};

/// Adds the core instantiations, in order, the memories, reallocs and
/// post-returns canonical options name, and the resources the composition
/// defines.
pub(super) fn initializers(plan: &mut Plan, component: &Component) -> Result<()> {
    let mut memories = vec![None; component.num_runtime_memories as usize];
    let mut reallocs = vec![None; component.num_runtime_reallocs as usize];
    let mut post_returns = vec![None; component.num_runtime_post_returns as usize];
    for init in &component.initializers {
        match init {
            GlobalInitializer::InstantiateModule(
                InstantiateModule::Static(module, args),
                owner,
            ) => {
                let module = module.as_u32() as usize;
                if owner.is_none() {
                    plan.modules[module].adapter = true;
                }
                plan.instances.push(Instantiation {
                    module,
                    component_instance: owner.map(|c| c.as_u32()),
                    args: args.iter().map(def).collect::<Result<_>>()?,
                });
            }
            GlobalInitializer::InstantiateModule(InstantiateModule::Import(..), _) => {
                bail!("instantiating an imported core module is not supported yet")
            }
            GlobalInitializer::LowerImport { .. } => {} // see `intrinsics::trampolines`
            GlobalInitializer::ExtractMemory(m) => {
                let export = CoreDef::Export(m.export.clone().map_index(EntityIndex::from));
                memories[m.index.as_u32() as usize] = Some(def(&export)?);
            }
            GlobalInitializer::ExtractRealloc(r) => {
                reallocs[r.index.as_u32() as usize] = Some(def(&r.def)?)
            }
            GlobalInitializer::ExtractPostReturn(p) => {
                post_returns[p.index.as_u32() as usize] = Some(def(&p.def)?)
            }
            GlobalInitializer::ExtractCallback(_) => bail!("async callbacks are not supported yet"),
            GlobalInitializer::ExtractTable(_) => {
                bail!("tables for `thread.spawn-indirect` are not supported yet")
            }
            GlobalInitializer::Resource(r) => {
                let index = r.index.as_u32() as usize;
                if index != plan.resources.len() {
                    bail!("resource definitions out of order (resource {index})");
                }
                plan.resources.push(plan::Resource {
                    instance: Some(r.instance.as_u32()),
                    dtor: r.dtor.as_ref().map(def).transpose()?,
                    host: None,
                    name: None,
                    opaque: false,
                });
            }
        }
    }
    plan.memories = complete(memories, "memory")?;
    plan.reallocs = complete(reallocs, "realloc")?;
    plan.post_returns = complete(post_returns, "post-return")?;
    Ok(())
}

/// `items` with every entry defined.
fn complete(items: Vec<Option<Def>>, what: &str) -> Result<Vec<Def>> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            d.with_context(|| format!("the translator declared {what} {i} but never defined it"))
        })
        .collect()
}

/// The plan's form of a core definition.
pub(super) fn def(def: &CoreDef) -> Result<Def> {
    Ok(match def {
        CoreDef::Export(export) => {
            let ExportItem::Index(index) = export.item else {
                bail!("a by-name export of an imported core module is not supported yet")
            };
            let (kind, index) = match index {
                EntityIndex::Function(i) => (ItemKind::Func, i.as_u32()),
                EntityIndex::Table(i) => (ItemKind::Table, i.as_u32()),
                EntityIndex::Memory(i) => (ItemKind::Memory, i.as_u32()),
                EntityIndex::Global(i) => (ItemKind::Global, i.as_u32()),
                EntityIndex::Tag(i) => (ItemKind::Tag, i.as_u32()),
            };
            Def::Export {
                instance: export.instance.as_u32() as usize,
                kind,
                index,
            }
        }
        CoreDef::InstanceFlags(i) => Def::InstanceFlags(i.as_u32()),
        CoreDef::Trampoline(i) => Def::Intrinsic(i.as_u32() as usize),
        CoreDef::UnsafeIntrinsic(i) => bail!("unsafe intrinsic {i:?} is not supported"),
        CoreDef::TaskMayBlock => bail!("the async `task-may-block` global is not supported yet"),
    })
}
