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
//! Custom sections: names are kept for every index space ([`names`]),
//! producers merged ([`producers`]), and, with [`DebugInfo::Keep`], every
//! instance's DWARF carried with its code addresses rewritten ([`dwarf`],
//! through the per-instruction map [`addrs`] records while copying). Other
//! custom sections are dropped.

pub mod addrs;
mod copy;
mod dwarf;
mod exports;
pub mod layout;
mod names;
mod producers;
mod remap;
mod single;

use crate::plan::{Intrinsic, ItemKind, Plan};
use crate::runtime;
use anyhow::{Context, Result};
use copy::Sections;
pub use exports::CoreExports;
use layout::Layout;
use remap::Remap;
use wasm_encoder::reencode::Reencode;
use wasm_encoder::{
    DataCountSection, EntityType, ExportKind, Function, ImportSection, Instruction, Module,
    StartSection,
};

/// The fused module (not yet validated) and the names of what it exports.
pub struct Merged<'a> {
    /// The module's bytes.
    pub module: Vec<u8>,
    /// The export names of what a wrapping component needs.
    pub exports: CoreExports,
    /// Under [`Memory::Single`]: per memory, the global its region's base
    /// goes in (for [`crate::single::Options::base_globals`]); else empty.
    pub bases: Vec<u32>,
    /// Under [`Memory::Single`] with DWARF kept: every instance's DWARF, not
    /// in the module yet: the lowering passes move the code again, and
    /// [`Pending::append`] converts it once through all the moves.
    pub dwarf: Pending<'a>,
}

/// DWARF waiting for the code's last move (see [`Merged::dwarf`]).
#[derive(Default)]
pub struct Pending<'a> {
    instances: Vec<(dwarf::Sections<'a>, addrs::CodeMap, Vec<u32>)>,
}

impl Pending<'_> {
    /// Converts the DWARF, every code address mapped to the fused module
    /// and then through `after` (the maps of later rewrites, in order), and
    /// appends the `.debug_*` sections to `module`.
    pub fn append(
        self,
        module: &mut Vec<u8>,
        after: &[std::sync::Arc<addrs::CodeMap>],
    ) -> Result<()> {
        let mut instances = self.instances;
        for (_, code, _) in &mut instances {
            for next in after {
                code.then(next.clone());
            }
        }
        let instances: Vec<dwarf::Instance> = (instances.iter_mut())
            .map(|(sections, code, globals)| dwarf::Instance {
                sections: std::mem::take(sections),
                code,
                globals,
            })
            .collect();
        append_customs(module, dwarf::merge(&instances)?);
        Ok(())
    }
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

/// How to merge.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Export the start function as [`START`] instead of naming it in a
    /// start section, for a wrapper that must finish linking the module's
    /// imports before instantiation-time code runs (it may call them).
    pub export_start: bool,
    /// Whether DWARF is carried into the fused module.
    pub debug_info: DebugInfo,
    /// How the memories are laid out.
    pub memory: Memory,
}

/// How the fused module's memories are laid out (`--memory`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Memory {
    /// One memory per instance memory and for the resource machinery (the
    /// default).
    #[default]
    Multi,
    /// One memory: the module is merged with its boundary converting
    /// addresses (`merge::single`), for [`crate::single::lower`] to finish.
    Single,
}

/// What happens to the input's DWARF (`--debug-info`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DebugInfo {
    /// Every core instance's DWARF, its code addresses rewritten (the
    /// default).
    #[default]
    Keep,
    /// No DWARF; names and producers are still kept.
    Strip,
}

/// The export name of the one memory under [`Memory::Single`].
pub const SINGLE_MEMORY: &str = "memory";

/// The export name of the start function under [`Options::export_start`].
pub const START: &str = "meld:start";

/// Merges `plan` into one core module.
pub fn merge<'a>(plan: &'a Plan, options: &Options) -> Result<Merged<'a>> {
    let layout = Layout::new(plan)?;
    let mut s = Sections::default();
    let memories = plan
        .memories
        .iter()
        .map(|m| layout.resolve(m, ItemKind::Memory))
        .collect::<Result<Vec<_>>>()?;
    let bases = (options.memory == Memory::Single).then(|| single::Globals::new(&layout));
    let (imports, host_names, drop_names) =
        intrinsics(plan, &layout, (&memories, bases.as_ref()), &mut s)?;
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
    let mut producers = producers::Producers::default();
    let mut consts = remap::Consts::new();
    let mut customs = Vec::with_capacity(plan.instances.len());
    for (i, inst) in plan.instances.iter().enumerate() {
        let bytes = &plan.modules[inst.module].bytes;
        let mut remap = Remap {
            map: &layout.instances[i],
            consts: &mut consts,
        };
        let info = &layout.modules[inst.module];
        let keep = options.debug_info == DebugInfo::Keep && info.dwarf;
        let custom = copy::instance(&mut s, &mut remap, &layout, bytes, &mut start, keep)
            .with_context(|| format!("merging core instance {i}"))?;
        let target = names::Target {
            map: &layout.instances[i],
            info,
        };
        names.instance(custom.names, &target, inst.component_instance, i);
        if let Some(data) = custom.producers {
            producers.add(data);
        }
        customs.push(custom);
    }
    for (k, intrinsic) in layout.intrinsics.iter().enumerate() {
        if let Some((index, _)) = intrinsic {
            names.meld(*index, &format!("{:?}", plan.intrinsics[k]));
        }
    }
    resource_machinery(&layout, &mut s, &mut names);
    if let Some(bases) = &bases {
        bases.define(&mut s, &mut names);
    }
    start.instruction(&Instruction::End);
    s.funcs.function(layout.start_type);
    s.code.function(&start);
    names.meld(layout.start_func, "start");
    let wrappers = match &bases {
        Some(b) => single::wrappers(plan, &layout, b, &memories, &mut s, &mut names)?,
        None => single::Wrappers::default(),
    };

    let mut exports = exports::export(plan, &layout, (&wrappers, bases.is_some()), &mut s.exports)?;
    exports.imports = host_names;
    exports.resource_drops = drop_names;
    let start = if options.export_start {
        s.exports.export(START, ExportKind::Func, layout.start_func);
        None
    } else {
        Some(layout.start_func)
    };
    let base = addrs::leb_len(s.code.len());
    let (debug, pending) = debug_info(customs, &layout, base, bases.is_some())?;
    let customs = Custom {
        names: &names,
        producers,
        debug,
    };
    Ok(Merged {
        module: assemble(s, &imports, start, customs),
        exports,
        bases: bases.map(|b| b.bases).unwrap_or_default(),
        dwarf: pending,
    })
}

/// The fused module's `.debug_*` sections from every instance's DWARF
/// (`customs`, with its code maps; `base`: the size of the fused code
/// section's entry count), or with `defer` none, and the DWARF held back
/// for [`Pending::append`].
fn debug_info<'a>(
    mut customs: Vec<copy::Customs<'a>>,
    layout: &Layout,
    base: u32,
    defer: bool,
) -> Result<(Vec<(&'static str, Vec<u8>)>, Pending<'a>)> {
    for c in &mut customs {
        c.code.set_base(base);
    }
    let with_code =
        (customs.into_iter().zip(&layout.instances)).filter(|(c, _)| !c.code.is_empty());
    let mut pending = Pending::default();
    if defer {
        let with_code = with_code.map(|(c, map)| (c.dwarf, c.code, map.globals.clone()));
        pending.instances = with_code.collect();
        return Ok((Vec::new(), pending));
    }
    let with_code: Vec<_> = with_code.collect();
    let instances: Vec<dwarf::Instance> = (with_code.iter())
        .map(|(c, map)| dwarf::Instance {
            sections: c.dwarf.clone(),
            code: &c.code,
            globals: &map.globals,
        })
        .collect();
    Ok((dwarf::merge(&instances)?, pending))
}

/// The custom sections of the fused module.
struct Custom<'a> {
    names: &'a names::Names,
    producers: producers::Producers,
    debug: Vec<(&'static str, Vec<u8>)>,
}

/// Host-import and host-resource-drop import names, per plan entry.
type ImportNames = Vec<Option<(String, String)>>;

/// Adds the used intrinsics in function order: imports for the host's
/// functions and `resource.drop`s (returning the import section and their
/// names), bodies for the others.
fn intrinsics(
    plan: &Plan,
    layout: &Layout,
    (memories, single): (&[u32], Option<&single::Globals>),
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
                let single = single
                    .zip(memory)
                    .map(|(g, m)| runtime::resources::SingleCall {
                        base: g.bases[m as usize],
                        realloc: hi.options.realloc.map(|r| (g.selector, r as u32)),
                    });
                runtime::resources::host_call(&layout.resources, &hi.ty, ty, *raw, memory, single)
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
fn assemble(s: Sections, imports: &ImportSection, start: Option<u32>, custom: Custom) -> Vec<u8> {
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
        .section(&custom.names.section())
        .section(&custom.producers.section());
    // DWARF last, each section freed once it is in: no second copy of it all.
    drop(s);
    let mut bytes = module.finish();
    append_customs(&mut bytes, custom.debug);
    bytes
}

/// Appends custom sections (name, contents) to the module `bytes`.
fn append_customs(bytes: &mut Vec<u8>, sections: Vec<(&'static str, Vec<u8>)>) {
    bytes.reserve_exact(sections.iter().map(|(n, d)| n.len() + d.len() + 12).sum());
    for (name, data) in sections {
        bytes.push(0);
        wasm_encoder::Encode::encode(
            &wasm_encoder::CustomSection {
                name: name.into(),
                data: data.as_slice().into(),
            },
            bytes,
        );
    }
}
