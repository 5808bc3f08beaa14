//! Merges every core instance of a [`Plan`] into one core module.
//!
//! Each instance's sections are copied with a `Remap` re-encoder that
//! maps its index spaces into the fused ones ([`layout`]); a module
//! instantiated twice is copied twice. Imports disappear: they are resolved to
//! the fused index of their definition. Active data and element segments
//! become passive, and one start function replays, instance by instance in
//! instantiation order, what instantiation would have done: initialise the
//! element segments, then the data segments, then call the start function.
//!
//! The runtime intrinsics (see [`crate::runtime`]) and the per-component
//! instance flags globals are added in front; the resource machinery's
//! memories and globals and the specialised handle transfers
//! ([`crate::transfers`]) after the instances. Host imports stay imports,
//! named by [`CoreExports::imports`], as do the host's `resource.drop`s of
//! resources imported from the host ([`CoreExports::resource_drops`]); a
//! host import passing handles is called through a converting function
//! ([`runtime::resources::host_call`]).
//!
//! Function names are kept (the `names` module); other custom sections (producers,
//! debug info) are dropped.

pub mod layout;
mod names;
mod remap;

use crate::plan::{Intrinsic, ItemKind, Plan};
use crate::runtime;
use crate::transfers;
use anyhow::{Context, Result};
use layout::Layout;
use remap::Remap;
use wasm_encoder::reencode::Reencode;
use wasm_encoder::{
    CodeSection, DataCountSection, DataSection, ElementSection, Elements, EntityType, ExportKind,
    ExportSection, Function, FunctionSection, GlobalSection, ImportSection, Instruction,
    MemorySection, Module, StartSection, TableSection, TagSection, TypeSection,
};
use wasmparser::{DataKind, ElementKind, Payload};

/// The fused module (not yet validated) and the names of what it exports.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The module's bytes.
    pub module: Vec<u8>,
    /// The export names of what a wrapping component needs.
    pub exports: CoreExports,
}

/// Export names of the fused module, parallel to the plan's lists.
#[derive(Debug, Clone, Default)]
pub struct CoreExports {
    /// Per root export: the lifted core function (named like the export).
    pub root: Vec<String>,
    /// Per [`Plan::memories`] entry.
    pub memories: Vec<String>,
    /// Per [`Plan::reallocs`] entry.
    pub reallocs: Vec<String>,
    /// Per [`Plan::post_returns`] entry.
    pub post_returns: Vec<String>,
    /// Per [`Plan::host_imports`] entry: the fused module's import (module,
    /// name), `None` if no core instance uses that lowering.
    pub imports: Vec<Option<(String, String)>>,
    /// Per [`Plan::resources`] entry: the fused module's import (module,
    /// name) of the host's `resource.drop`, for a resource imported from the
    /// host whose handles exist inside.
    pub resource_drops: Vec<Option<(String, String)>>,
}

/// The fused module's import name of the host's `resource.drop` of host
/// resource `r`: module as for host functions, name `[resource-drop]<name>`.
fn resource_drop_name(plan: &Plan, r: usize) -> Result<(String, String)> {
    let host = plan.resources[r]
        .host
        .as_ref()
        .context("a host resource drop of a defined resource")?;
    let module = host.instance.clone().unwrap_or_else(|| "$root".to_string());
    Ok((module, format!("[resource-drop]{}", host.name)))
}

/// The fused module's import name of host import `h`: module = the imported
/// instance (`$root` for root functions), name = the function, suffixed
/// `#2`, `#3`… when the same function is lowered more than once.
fn host_import_name(plan: &Plan, h: usize, taken: &[Option<(String, String)>]) -> (String, String) {
    let import = &plan.host_imports[h];
    let module = import
        .instance
        .clone()
        .unwrap_or_else(|| "$root".to_string());
    let mut name = import.name.clone();
    let mut n = 1;
    while taken
        .iter()
        .flatten()
        .any(|(m, f)| *m == module && *f == name)
    {
        n += 1;
        name = format!("{}#{n}", import.name);
    }
    (module, name)
}

#[derive(Default)]
struct Sections {
    types: TypeSection,
    funcs: FunctionSection,
    tables: TableSection,
    memories: MemorySection,
    tags: TagSection,
    globals: GlobalSection,
    exports: ExportSection,
    elems: ElementSection,
    code: CodeSection,
    data: DataSection,
    data_count: u32,
}

/// How to merge.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Export the start function as [`START`] instead of naming it in a
    /// start section, for a wrapper that must finish linking the module's
    /// imports before instantiation-time code runs (it may call them).
    pub export_start: bool,
}

/// The export name of the start function under [`Options::export_start`].
pub const START: &str = "meld:start";

/// Merges `plan` into one core module.
pub fn merge(plan: &Plan, options: &Options) -> Result<Merged> {
    let layout = Layout::new(plan)?;
    let mut s = Sections::default();
    let memories = plan
        .memories
        .iter()
        .map(|m| layout.resolve(m, ItemKind::Memory))
        .collect::<Result<Vec<_>>>()?;
    let (imports, host_names, drop_names) = intrinsics(plan, &layout, &memories, &mut s)?;
    s.types.ty().function([], []);
    s.types
        .ty()
        .function([wasm_encoder::ValType::I32], [wasm_encoder::ValType::I32]);
    s.types.ty().function([wasm_encoder::ValType::I32], []);
    for _ in 0..plan.component_instances {
        let (ty, init) = runtime::flags_global();
        s.globals.global(ty, &init);
    }

    let mut start = Function::new([]);
    let mut names = names::Names::default();
    let mut consts = remap::Consts::new();
    for (i, inst) in plan.instances.iter().enumerate() {
        let bytes = &plan.modules[inst.module].bytes;
        let mut remap = Remap {
            map: &layout.instances[i],
            consts: &mut consts,
        };
        copy_instance(&mut s, &mut remap, &layout, bytes, &mut start)
            .with_context(|| format!("merging core instance {i}"))?;
        let info = &layout.modules[inst.module];
        names.module(
            bytes,
            &layout.instances[i].funcs,
            info.imported(ItemKind::Func),
        )?;
    }
    for (k, intrinsic) in layout.intrinsics.iter().enumerate() {
        if let Some((index, _)) = intrinsic {
            names.meld(*index, &format!("{:?}", plan.intrinsics[k]));
        }
    }
    resource_machinery(&layout, &mut s, &mut names);
    start.instruction(&Instruction::End);
    s.funcs.function(layout.start_type);
    s.code.function(&start);
    names.meld(layout.start_func, "start");

    let mut exports = export(plan, &layout, &mut s.exports)?;
    exports.imports = host_names;
    exports.resource_drops = drop_names;
    let start = if options.export_start {
        s.exports.export(START, ExportKind::Func, layout.start_func);
        None
    } else {
        Some(layout.start_func)
    };
    Ok(Merged {
        module: assemble(&s, &imports, start, &names),
        exports,
    })
}

/// Host-import and host-resource-drop import names, per plan entry.
type ImportNames = Vec<Option<(String, String)>>;

/// Adds the used intrinsics in function order: imports for the host's
/// functions and `resource.drop`s (returning the import section and their
/// names), bodies for the others.
fn intrinsics(
    plan: &Plan,
    layout: &Layout,
    memories: &[u32],
    s: &mut Sections,
) -> Result<(ImportSection, ImportNames, ImportNames)> {
    let mut used: Vec<_> = layout
        .intrinsics
        .iter()
        .enumerate()
        .filter_map(|(k, slot)| Some((slot.as_ref()?, k)))
        .collect();
    used.sort_by_key(|((func, _), _)| *func);
    let mut imports = ImportSection::new();
    let mut host_names = vec![None; plan.host_imports.len()];
    let mut drop_names = vec![None; plan.resources.len()];
    for ((_, ty), k) in used {
        let mut remap = wasm_encoder::reencode::RoundtripReencoder;
        let params = ty
            .params()
            .iter()
            .map(|t| remap.val_type(*t))
            .collect::<Result<Vec<_>, _>>()?;
        let results = ty
            .results()
            .iter()
            .map(|t| remap.val_type(*t))
            .collect::<Result<Vec<_>, _>>()?;
        s.types.ty().function(params, results);
        let type_index = s.types.len() - 1;
        let body = match plan.intrinsics[k] {
            Intrinsic::HostImport(h) => {
                let (module, name) = host_import_name(plan, h, &host_names);
                imports.import(&module, &name, EntityType::Function(type_index));
                host_names[h] = Some((module, name));
                continue;
            }
            Intrinsic::HostResourceDrop(r) => {
                let (module, name) = resource_drop_name(plan, r)?;
                imports.import(&module, &name, EntityType::Function(type_index));
                drop_names[r] = Some((module, name));
                continue;
            }
            Intrinsic::HostCall { host, import } => {
                let (raw, _) = layout.intrinsics[import]
                    .as_ref()
                    .context("a host call without its import")?;
                let hi = &plan.host_imports[host];
                let memory = hi.options.memory.map(|m| memories[m]);
                runtime::resources::host_call(&layout.resources, &hi.ty, ty, *raw, memory)
                    .with_context(|| format!("host import `{}`", hi.name))?
            }
            _ => {
                let cx = runtime::Context {
                    memories,
                    resources: &layout.resources,
                };
                runtime::intrinsic(&plan.intrinsics[k], ty, cx)
                    .with_context(|| format!("intrinsic {k}"))?
            }
        };
        s.funcs.function(type_index);
        s.code.function(&body);
    }
    Ok((imports, host_names, drop_names))
}

/// Adds the resource machinery after the instances: its memories and
/// globals, the specialised transfers, and the outer boundary's functions
/// (exported, with the `meld:suppress` global).
fn resource_machinery(layout: &Layout, s: &mut Sections, names: &mut names::Names) {
    for memory in layout.resources.memories() {
        s.memories.memory(memory);
    }
    for (ty, init) in layout.resources.globals() {
        s.globals.global(ty, &init);
    }
    for (i, t) in layout.transfers.iter().enumerate() {
        names.meld(layout.transfer_base + i as u32, &format!("{:?}", t.kind));
        s.funcs.function(layout.transfer_type);
        let body = runtime::resources::transfer(&layout.resources, t.kind, t.src, t.dst);
        s.code.function(&body);
    }
    for (i, b) in layout.boundary.iter().enumerate() {
        let ty = match b.signature() {
            (p, _) if p.is_empty() => layout.start_type,
            (_, r) if r.is_empty() => layout.dtor_type,
            _ => layout.transfer_type,
        };
        s.funcs.function(ty);
        s.code.function(&b.body(&layout.resources));
        let index = layout.transfer_base + layout.transfers.len() as u32 + i as u32;
        s.exports.export(&b.export_name(), ExportKind::Func, index);
        names.meld(index, &b.export_name());
    }
    if !layout.boundary.is_empty() {
        s.exports.export(
            runtime::resources::boundary::SUPPRESS,
            ExportKind::Global,
            layout.resources.suppress,
        );
    }
}

/// The module's bytes, its sections in the order wasm requires.
fn assemble(
    s: &Sections,
    imports: &ImportSection,
    start: Option<u32>,
    names: &names::Names,
) -> Vec<u8> {
    let mut module = Module::new();
    module
        .section(&s.types)
        .section(imports)
        .section(&s.funcs)
        .section(&s.tables)
        .section(&s.memories);
    if !s.tags.is_empty() {
        module.section(&s.tags);
    }
    module.section(&s.globals).section(&s.exports);
    if let Some(function_index) = start {
        module.section(&StartSection { function_index });
    }
    module.section(&s.elems);
    if s.data_count > 0 {
        module.section(&DataCountSection {
            count: s.data_count,
        });
    }
    module
        .section(&s.code)
        .section(&s.data)
        .section(&names.section());
    module.finish()
}

/// Copies one instance's definitions into `s` and appends its
/// instantiation-time work to `start`.
fn copy_instance(
    s: &mut Sections,
    remap: &mut Remap,
    layout: &Layout,
    bytes: &[u8],
    start: &mut Function,
) -> Result<()> {
    let mut start_func = None;
    let mut elem_index = remap.map.elem_base;
    let mut data_index = remap.map.data_base;
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        match payload? {
            Payload::TypeSection(r) => remap.parse_type_section(&mut s.types, r)?,
            Payload::FunctionSection(r) => remap.parse_function_section(&mut s.funcs, r)?,
            Payload::TableSection(r) => remap.parse_table_section(&mut s.tables, r)?,
            Payload::MemorySection(r) => remap.parse_memory_section(&mut s.memories, r)?,
            Payload::TagSection(r) => remap.parse_tag_section(&mut s.tags, r)?,
            Payload::GlobalSection(r) => remap.parse_global_section(&mut s.globals, r)?,
            Payload::StartSection { func, .. } => start_func = Some(remap.function_index(func)?),
            Payload::CodeSectionEntry(body) if remap.map.transfer_imports.is_empty() => {
                remap.parse_function_body(&mut s.code, body)?
            }
            Payload::CodeSectionEntry(body) => {
                let mut f = remap.new_function_with_parsed_locals(&body)?;
                for op in transfers::ops(&body, &remap.map.transfer_imports)? {
                    match op {
                        transfers::Op::Plain(op) => f.instruction(&remap.instruction(op)?),
                        transfers::Op::Transfer(t) => {
                            f.instruction(&Instruction::Call(layout.transfer_func(&t)))
                        }
                    };
                }
                s.code.function(&f);
            }
            Payload::ElementSection(r) => {
                for elem in r {
                    let elem = elem?;
                    let count = match &elem.items {
                        wasmparser::ElementItems::Functions(r) => r.count(),
                        wasmparser::ElementItems::Expressions(_, r) => r.count(),
                    };
                    let items: Elements = remap.element_items(elem.items)?;
                    match elem.kind {
                        ElementKind::Passive => s.elems.passive(items),
                        ElementKind::Declared => s.elems.declared(items),
                        ElementKind::Active {
                            table_index,
                            offset_expr,
                        } => {
                            offset(remap, offset_expr, start)?;
                            start.instruction(&Instruction::I32Const(0));
                            start.instruction(&Instruction::I32Const(count as i32));
                            let table = remap.table_index(table_index.unwrap_or(0))?;
                            start.instruction(&Instruction::TableInit { elem_index, table });
                            start.instruction(&Instruction::ElemDrop(elem_index));
                            s.elems.passive(items)
                        }
                    };
                    elem_index += 1;
                }
            }
            Payload::DataSection(r) => {
                for datum in r {
                    let datum = datum?;
                    if let DataKind::Active {
                        memory_index,
                        offset_expr,
                    } = datum.kind
                    {
                        offset(remap, offset_expr, start)?;
                        start.instruction(&Instruction::I32Const(0));
                        start.instruction(&Instruction::I32Const(datum.data.len() as i32));
                        let mem = remap.memory_index(memory_index)?;
                        start.instruction(&Instruction::MemoryInit { mem, data_index });
                        start.instruction(&Instruction::DataDrop(data_index));
                    }
                    s.data.passive(datum.data.iter().copied());
                    data_index += 1;
                    s.data_count += 1;
                }
            }
            _ => {}
        }
    }
    // The element section precedes the data section, so `start` now holds
    // element then data initialisation, the order core instantiation uses;
    // the start function runs last.
    if let Some(f) = start_func {
        start.instruction(&Instruction::Call(f));
    }
    Ok(())
}

/// Emits the operators of a constant offset expression (without its `end`).
fn offset(remap: &mut Remap, expr: wasmparser::ConstExpr, f: &mut Function) -> Result<()> {
    let mut reader = expr.get_operators_reader();
    while !reader.eof() {
        let op = reader.read()?;
        if matches!(op, wasmparser::Operator::End) {
            break;
        }
        f.instruction(&remap.instruction(op)?);
    }
    Ok(())
}

/// Exports the root functions and everything canonical options name.
fn export(plan: &Plan, layout: &Layout, exports: &mut ExportSection) -> Result<CoreExports> {
    let mut names = CoreExports::default();
    for e in &plan.exports {
        exports.export(
            &e.name.to_string(),
            ExportKind::Func,
            layout.resolve(&e.func, ItemKind::Func)?,
        );
        names.root.push(e.name.to_string());
    }
    let lists = [
        (
            &plan.memories,
            ItemKind::Memory,
            ExportKind::Memory,
            "memory",
            &mut names.memories,
        ),
        (
            &plan.reallocs,
            ItemKind::Func,
            ExportKind::Func,
            "realloc",
            &mut names.reallocs,
        ),
        (
            &plan.post_returns,
            ItemKind::Func,
            ExportKind::Func,
            "post-return",
            &mut names.post_returns,
        ),
    ];
    for (defs, kind, export_kind, label, out) in lists {
        for (i, def) in defs.iter().enumerate() {
            let name = format!("meld:{label}{i}");
            exports.export(&name, export_kind, layout.resolve(def, kind)?);
            out.push(name);
        }
    }
    Ok(names)
}
