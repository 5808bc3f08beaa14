//! Runs wasmtime-environ's component translator on the input and converts its
//! result into a [`Plan`].
//!
//! The translator validates the component, inlines every nested component
//! into one ordered list of core instantiations with resolved arguments, and
//! compiles each lift→lower pair into core-wasm adapter modules (FACT). This
//! module is the only place that names wasmtime-environ types.
//!
//! Resources defined inside the composition become [`plan::Resource`]s and
//! [`plan::ResourceTable`]s (see [`resources`]).
//!
//! Host imports that pass handles (own and borrow parameters, own results,
//! also inside compound types) become [`Intrinsic::HostCall`]s around the raw
//! import.
//!
//! Not supported yet (each is an error naming the construct): host imports
//! nested deeper than one instance, host imports with handles inside
//! list parameters or joined with other flat types in a variant, imported
//! core modules, everything async
//! (tasks, streams, futures, error-context), threads, GC-typed options,
//! memory64 transcoding, exported core modules, instances exported inside
//! exported instances, type exports other than value types and resources.
//! Instances exported at the root (interfaces) are supported: their
//! functions, types and resources are listed with [`ExportName::instance`]
//! set.

use crate::plan::{
    self, CanonOptions, Def, ExportName, FuncType, Instantiation, Intrinsic, ItemKind, Plan,
    RootExport, ValType,
};
use anyhow::{Context, Result, anyhow, bail};
use wasmtime_environ::component::{
    CanonicalOptionsDataModel, ComponentTypes, ComponentTypesBuilder, CoreDef, Export, ExportItem,
    FixedEncoding, GlobalInitializer, InstantiateModule, InterfaceType, StringEncoding, Trampoline,
    Transcode, Translator, TypeDef,
};
use wasmtime_environ::{EntityIndex, ScopeVec, Tunables};

pub mod resources;

/// Validates and flattens `component` into a [`Plan`].
pub fn translate(component: &[u8]) -> Result<Plan> {
    if !wasmparser::Parser::is_component(component) {
        let what = if wasmparser::Parser::is_core_wasm(component) {
            "a core module"
        } else {
            "not WebAssembly"
        };
        bail!("the input is not a component ({what})");
    }
    let tunables = Tunables {
        concurrency_support: false,
        ..Tunables::default_host()
    };
    let mut validator = wasmparser::Validator::new_with_features(crate::encode::features());
    let mut types = ComponentTypesBuilder::new(&validator);
    let scope = ScopeVec::new();
    let (translation, modules) = Translator::new(&tunables, &mut validator, &mut types, &scope)
        .translate(component)
        .map_err(|e| anyhow!("{e}"))
        .context("the input is not a valid component")?;
    let component = &translation.component;
    let num_resource_tables = types.num_resource_tables();
    let (types, _) = types.finish(component);

    let mut plan = Plan {
        component_instances: component.num_runtime_component_instances,
        ..Plan::default()
    };
    for (_, module) in modules.iter() {
        plan.modules.push(plan::Module {
            bytes: module.wasm.to_vec(),
            adapter: false,
        });
    }

    // Which host import each lowering lowers.
    let mut lowered = std::collections::HashMap::new();
    for init in &component.initializers {
        if let GlobalInitializer::LowerImport { index, import } = init {
            lowered.insert(*index, *import);
        }
    }
    plan.resource_tables = resources::tables(component, &types, num_resource_tables);
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
                        "host import `{import_name}` {path:?} is nested too deep (not supported yet)"
                    ),
                };
                let what = format!("host import `{}`", path.last().unwrap_or(import_name));
                let ty =
                    func_type(&types, *lower_ty).with_context(|| format!("the type of {what}"))?;
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
            GlobalInitializer::LowerImport { .. } => {} // handled with the trampolines above
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
    resources::name_and_flag(&mut plan)?;
    resources::host_resources(&mut plan, component)?;
    plan.host_type_names = host_type_names(component, &types);
    // Host imports passing handles: the trampoline becomes the converting
    // call, and the raw import an intrinsic of its own.
    for (trampoline, host) in with_handles {
        plan.intrinsics.push(Intrinsic::HostImport(host));
        let import = plan.intrinsics.len() - 1;
        plan.intrinsics[trampoline] = Intrinsic::HostCall { host, import };
    }
    plan.memories = complete(memories, "memory")?;
    plan.reallocs = complete(reallocs, "realloc")?;
    plan.post_returns = complete(post_returns, "post-return")?;

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
                root_export(&mut plan, component, &types, name, *export)?;
            }
            continue;
        }
        let name = ExportName {
            instance: None,
            name: name.to_string(),
        };
        root_export(&mut plan, component, &types, name, *export)?;
    }
    resources::mark_used(&mut plan)?;
    Ok(plan)
}

/// Adds export `export` (at the root or inside an exported instance) to
/// `plan`.
fn root_export(
    plan: &mut Plan,
    component: &wasmtime_environ::component::Component,
    types: &ComponentTypes,
    name: ExportName,
    export: wasmtime_environ::component::ExportIndex,
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
        Export::Type(other) => {
            bail!("export `{name}` is a type of kind {other:?}, not supported yet")
        }
    }
    Ok(())
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

fn canon_options(
    opts: &wasmtime_environ::component::CanonicalOptions,
    post_return: Option<usize>,
) -> Result<CanonOptions> {
    if opts.async_ || opts.callback.is_some() {
        bail!("async canonical options are not supported yet");
    }
    let CanonicalOptionsDataModel::LinearMemory(m) = opts.data_model else {
        bail!("GC canonical options are not supported yet")
    };
    Ok(CanonOptions {
        string_encoding: string_encoding(opts.string_encoding),
        memory: m.memory.map(|i| i.as_u32() as usize),
        realloc: m.realloc.map(|i| i.as_u32() as usize),
        post_return,
    })
}

fn complete(items: Vec<Option<Def>>, what: &str) -> Result<Vec<Def>> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            d.with_context(|| format!("the translator declared {what} {i} but never defined it"))
        })
        .collect()
}

fn def(def: &CoreDef) -> Result<Def> {
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
                EntityIndex::Tag(_) => bail!("exception tags are not supported yet"),
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

fn transcode(op: Transcode) -> plan::Transcode {
    use plan::Transcode as T;
    match op {
        Transcode::Copy(e) => T::Copy(match e {
            FixedEncoding::Utf8 => plan::FixedEncoding::Utf8,
            FixedEncoding::Utf16 => plan::FixedEncoding::Utf16,
            FixedEncoding::Latin1 => plan::FixedEncoding::Latin1,
        }),
        Transcode::Latin1ToUtf16 => T::Latin1ToUtf16,
        Transcode::Latin1ToUtf8 => T::Latin1ToUtf8,
        Transcode::Utf16ToCompactProbablyUtf16 => T::Utf16ToCompactProbablyUtf16,
        Transcode::Utf16ToCompactUtf16 => T::Utf16ToCompactUtf16,
        Transcode::Utf16ToLatin1 => T::Utf16ToLatin1,
        Transcode::Utf16ToUtf8 => T::Utf16ToUtf8,
        Transcode::Utf8ToCompactUtf16 => T::Utf8ToCompactUtf16,
        Transcode::Utf8ToLatin1 => T::Utf8ToLatin1,
        Transcode::Utf8ToUtf16 => T::Utf8ToUtf16,
    }
}

fn string_encoding(e: StringEncoding) -> plan::StringEncoding {
    match e {
        StringEncoding::Utf8 => plan::StringEncoding::Utf8,
        StringEncoding::Utf16 => plan::StringEncoding::Utf16,
        StringEncoding::CompactUtf16 => plan::StringEncoding::CompactUtf16,
    }
}

fn func_type(
    types: &ComponentTypes,
    ty: wasmtime_environ::component::TypeFuncIndex,
) -> Result<FuncType> {
    let func = &types[ty];
    if func.async_ {
        bail!("async functions are not supported yet");
    }
    let params = &types[func.params].types;
    let results = &types[func.results].types;
    if results.len() > 1 {
        bail!(
            "a function with {} results (only one is allowed)",
            results.len()
        );
    }
    Ok(FuncType {
        params: func
            .param_names
            .iter()
            .zip(params.iter())
            .map(|(n, t)| Ok((n.clone(), val_type(types, *t)?)))
            .collect::<Result<_>>()?,
        result: results.first().map(|t| val_type(types, *t)).transpose()?,
    })
}

/// The named records, variants, enums and flags of the imported instances'
/// types, for naming them again when the wrapper re-imports the instances.
/// A type meld cannot represent is left out (it is never named then).
fn host_type_names(
    component: &wasmtime_environ::component::Component,
    types: &ComponentTypes,
) -> Vec<(String, String, ValType)> {
    let mut out = Vec::new();
    for (_, (instance, ext)) in component.import_types.iter() {
        let TypeDef::ComponentInstance(ty) = ext.ty else {
            continue;
        };
        for (name, item) in types[ty].exports.iter() {
            let TypeDef::Interface(t) = item.ty else {
                continue;
            };
            if let Ok(
                v @ (ValType::Record(_)
                | ValType::Variant(_)
                | ValType::Enum(_)
                | ValType::Flags(_)),
            ) = val_type(types, t)
            {
                out.push((instance.clone(), name.clone(), v));
            }
        }
    }
    out
}

fn val_type(types: &ComponentTypes, ty: InterfaceType) -> Result<ValType> {
    let boxed = |t: InterfaceType| val_type(types, t).map(Box::new);
    Ok(match ty {
        InterfaceType::Bool => ValType::Bool,
        InterfaceType::S8 => ValType::S8,
        InterfaceType::U8 => ValType::U8,
        InterfaceType::S16 => ValType::S16,
        InterfaceType::U16 => ValType::U16,
        InterfaceType::S32 => ValType::S32,
        InterfaceType::U32 => ValType::U32,
        InterfaceType::S64 => ValType::S64,
        InterfaceType::U64 => ValType::U64,
        InterfaceType::Float32 => ValType::F32,
        InterfaceType::Float64 => ValType::F64,
        InterfaceType::Char => ValType::Char,
        InterfaceType::String => ValType::String,
        InterfaceType::List(i) => ValType::List(boxed(types[i].element)?),
        InterfaceType::Record(i) => ValType::Record(
            types[i]
                .fields
                .iter()
                .map(|f| Ok((f.name.clone(), val_type(types, f.ty)?)))
                .collect::<Result<_>>()?,
        ),
        InterfaceType::Tuple(i) => ValType::Tuple(
            types[i]
                .types
                .iter()
                .map(|t| val_type(types, *t))
                .collect::<Result<_>>()?,
        ),
        InterfaceType::Variant(i) => ValType::Variant(
            types[i]
                .cases
                .iter()
                .map(|(n, t)| Ok((n.clone(), t.map(|t| val_type(types, t)).transpose()?)))
                .collect::<Result<_>>()?,
        ),
        InterfaceType::Enum(i) => ValType::Enum(types[i].names.iter().cloned().collect()),
        InterfaceType::Flags(i) => ValType::Flags(types[i].names.iter().cloned().collect()),
        InterfaceType::Option(i) => ValType::Option(boxed(types[i].ty)?),
        InterfaceType::Result(i) => ValType::Result {
            ok: types[i].ok.map(boxed).transpose()?,
            err: types[i].err.map(boxed).transpose()?,
        },
        InterfaceType::Own(t) => ValType::Own(t.as_u32() as usize),
        InterfaceType::Borrow(t) => ValType::Borrow(t.as_u32() as usize),
        InterfaceType::Future(_) => bail!("futures are not supported yet"),
        InterfaceType::Stream(_) => bail!("streams are not supported yet"),
        InterfaceType::ErrorContext(_) => bail!("error-context is not supported yet"),
        InterfaceType::Map(_) => bail!("map types are not supported yet"),
        InterfaceType::FixedLengthList(_) => bail!("fixed-length lists are not supported yet"),
    })
}
