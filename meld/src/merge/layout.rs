//! Index assignment for the fused module: where every core instance's
//! functions, tables, memories, globals, types and segments land.
//!
//! The fused index spaces are laid out as
//! - types: one per host import and runtime intrinsic, the start function's
//!   type, `(i32) -> i32`, `(i32) -> ()`, then each instance's whole type
//!   section;
//! - functions: host imports and host resource drops (the module's only
//!   imports), runtime intrinsics, then each instance's defined functions, then the
//!   specialised transfers (see [`crate::transfers`]), then the outer
//!   boundary's functions ([`runtime::resources::boundary`]), then the fused
//!   start function;
//! - globals: one flags global per component instance, then each
//!   instance's defined globals, then the resource machinery's
//!   ([`runtime::resources::State`]);
//! - memories: each instance's own, then the resource machinery's;
//! - tables, exception tags, data and element segments: each instance's own, in
//!   instantiation order.
//!
//! An instance's imports are not copied: each is mapped to the definition the
//! plan resolved it to, which is always earlier in instantiation order.

use crate::plan::{Def, Intrinsic, ItemKind, Plan};
use crate::runtime;
use crate::transfers::{self, Transfer, TransferKind};
use anyhow::{Context, Result, bail};
use wasmparser::{FuncType, Payload, TypeRef};

/// What merging needs to know about one core module.
#[derive(Debug, Default)]
pub struct ModuleInfo {
    /// Imports in order, as (module, name, type).
    pub imports: Vec<(String, String, TypeRef)>,
    /// Every type in the type index space; `None` for non-function types.
    pub types: Vec<Option<FuncType>>,
    /// Defined functions.
    pub funcs: u32,
    /// Defined tables.
    pub tables: u32,
    /// Defined memories.
    pub memories: u32,
    /// Defined globals.
    pub globals: u32,
    /// Defined exception tags.
    pub tags: u32,
    /// Data segments.
    pub data: u32,
    /// Element segments.
    pub elems: u32,
    /// Whether the module has DWARF (a `.debug_info` custom section).
    pub dwarf: bool,
}

impl ModuleInfo {
    /// Reads the module's header sections.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let mut info = ModuleInfo::default();
        for payload in wasmparser::Parser::new(0).parse_all(bytes) {
            match payload? {
                Payload::TypeSection(s) => {
                    for group in s {
                        for sub in group?.into_types() {
                            info.types.push(match sub.composite_type.inner {
                                wasmparser::CompositeInnerType::Func(f) => Some(f),
                                _ => None,
                            });
                        }
                    }
                }
                Payload::ImportSection(s) => {
                    for import in s.into_imports() {
                        let import = import?;
                        info.imports.push((
                            import.module.to_string(),
                            import.name.to_string(),
                            import.ty,
                        ));
                    }
                }
                Payload::FunctionSection(s) => info.funcs = s.count(),
                Payload::TableSection(s) => info.tables = s.count(),
                Payload::MemorySection(s) => info.memories = s.count(),
                Payload::GlobalSection(s) => info.globals = s.count(),
                Payload::DataSection(s) => info.data = s.count(),
                Payload::ElementSection(s) => info.elems = s.count(),
                Payload::TagSection(s) => info.tags = s.count(),
                Payload::CustomSection(c) if c.name() == ".debug_info" => info.dwarf = true,
                _ => {}
            }
        }
        Ok(info)
    }

    /// The number of imports of `kind`.
    pub fn imported(&self, kind: ItemKind) -> u32 {
        self.imports
            .iter()
            .filter(|(_, _, ty)| import_kind(ty) == kind)
            .count() as u32
    }
}

/// Whether an intrinsic is an import of the fused module.
fn is_import(intrinsic: &Intrinsic) -> bool {
    matches!(
        intrinsic,
        Intrinsic::HostImport(_) | Intrinsic::HostResourceDrop(_)
    )
}

/// The kind of an import.
fn import_kind(ty: &TypeRef) -> ItemKind {
    match ty {
        TypeRef::Func(_) | TypeRef::FuncExact(_) => ItemKind::Func,
        TypeRef::Table(_) => ItemKind::Table,
        TypeRef::Memory(_) => ItemKind::Memory,
        TypeRef::Global(_) => ItemKind::Global,
        TypeRef::Tag(_) => ItemKind::Tag,
    }
}

/// One instance's index maps: its own index of each kind → fused index.
#[derive(Debug, Default, Clone)]
pub struct InstanceMap {
    /// Function index map.
    pub funcs: Vec<u32>,
    /// Table index map.
    pub tables: Vec<u32>,
    /// Memory index map.
    pub memories: Vec<u32>,
    /// Global index map.
    pub globals: Vec<u32>,
    /// Tag index map.
    pub tags: Vec<u32>,
    /// First fused type index of this instance's type section.
    pub type_base: u32,
    /// First fused data segment index.
    pub data_base: u32,
    /// First fused element segment index.
    pub elem_base: u32,
    /// The instance's function imports that are handle transfers.
    pub transfer_imports: Vec<(u32, TransferKind)>,
}

impl InstanceMap {
    /// The index map of `kind`.
    pub fn get(&self, kind: ItemKind) -> &[u32] {
        match kind {
            ItemKind::Func => &self.funcs,
            ItemKind::Table => &self.tables,
            ItemKind::Memory => &self.memories,
            ItemKind::Global => &self.globals,
            ItemKind::Tag => &self.tags,
        }
    }

    fn space(&mut self, kind: ItemKind) -> &mut Vec<u32> {
        match kind {
            ItemKind::Func => &mut self.funcs,
            ItemKind::Table => &mut self.tables,
            ItemKind::Memory => &mut self.memories,
            ItemKind::Global => &mut self.globals,
            ItemKind::Tag => &mut self.tags,
        }
    }
}

/// The fused module's layout.
#[derive(Debug)]
pub struct Layout {
    /// Per static module.
    pub modules: Vec<ModuleInfo>,
    /// Per instance.
    pub instances: Vec<InstanceMap>,
    /// Each intrinsic's fused function index and type, if any module imports it.
    pub intrinsics: Vec<Option<(u32, FuncType)>>,
    /// Fused type index of the start function's `[] -> []`.
    pub start_type: u32,
    /// Fused type index of the specialised transfers' `[i32] -> [i32]`.
    pub transfer_type: u32,
    /// The specialised transfers, in function order.
    pub transfers: Vec<Transfer>,
    /// Fused function index of the first specialised transfer.
    pub transfer_base: u32,
    /// Functions exported for the outer boundary, after the transfers.
    pub boundary: Vec<runtime::resources::boundary::BoundaryFn>,
    /// Fused type index of `[i32] -> []`.
    pub dtor_type: u32,
    /// Where the resource machinery lives.
    pub resources: runtime::resources::State,
    /// Fused function index of the start function.
    pub start_func: u32,
    /// Total types.
    pub types: u32,
    /// Total globals (the resource machinery's last).
    pub globals: u32,
    /// Total memories (the resource machinery's last).
    pub memories: u32,
}

impl Layout {
    /// Assigns every index of the fused module.
    pub fn new(plan: &Plan) -> Result<Self> {
        let modules = plan
            .modules
            .iter()
            .enumerate()
            .map(|(i, m)| {
                ModuleInfo::parse(&m.bytes).with_context(|| format!("reading core module {i}"))
            })
            .collect::<Result<Vec<_>>>()?;
        let intrinsics = intrinsic_slots(plan, &modules)?;
        // One type per used intrinsic, in function order, then three
        // fixed ones.
        let used = intrinsics.iter().flatten().count() as u32;
        let (start_type, transfer_type, dtor_type) = (used, used + 1, used + 2);
        let mut next = Next {
            func: used,
            ty: used + 3,
            global: plan.component_instances,
            ..Next::default()
        };
        let mut instances: Vec<InstanceMap> = Vec::new();
        let mut transfers = Vec::new();
        for (i, inst) in plan.instances.iter().enumerate() {
            let map = instance_map(plan, &modules, &intrinsics, &instances, i, &mut next)?;
            let info = &modules[inst.module];
            if !map.transfer_imports.is_empty() {
                let bytes = &plan.modules[inst.module].bytes;
                for t in transfers::call_sites(bytes, &map.transfer_imports)
                    .with_context(|| format!("instance {i}"))?
                {
                    for table in [t.src, t.dst] {
                        crate::plan::runtime_table(&plan.resource_tables, table)?;
                    }
                    if !transfers.contains(&t) {
                        transfers.push(t);
                    }
                }
            }
            debug_assert_eq!(
                map.funcs.len() as u32,
                info.imported(ItemKind::Func) + info.funcs
            );
            instances.push(map);
        }
        let transfer_base = next.func;
        next.func += transfers.len() as u32;
        let boundary = if plan.resource_tables.iter().flatten().any(|t| t.used) {
            runtime::resources::boundary::needed(plan)
        } else {
            Vec::new()
        };
        next.func += boundary.len() as u32;
        let mut resources = runtime::resources::State::new(plan, next.memory, next.global);
        for (r, res) in plan.resources.iter().enumerate() {
            // A host resource no table holds has no handle to destroy (its
            // `resource.drop` is not imported).
            if res.host.is_some() && !held(plan, r) {
                continue;
            }
            resources.dtors[r] = res
                .dtor
                .as_ref()
                .map(|d| resolve(&instances, &intrinsics, d, ItemKind::Func))
                .transpose()
                .with_context(|| format!("the destructor of resource {r}"))?;
        }
        let globals = next.global + resources.global_count;
        let memories = next.memory + resources.memory_count;
        Ok(Layout {
            modules,
            instances,
            intrinsics,
            start_type,
            transfer_type,
            transfers,
            transfer_base,
            boundary,
            dtor_type,
            resources,
            start_func: next.func,
            types: next.ty,
            globals,
            memories,
        })
    }

    /// The fused function index of the specialised transfer `t`.
    pub fn transfer_func(&self, t: &Transfer) -> u32 {
        let i = self.transfers.iter().position(|u| u == t);
        self.transfer_base + i.expect("every transfer call site was collected") as u32
    }

    /// The fused index of a plan definition of `kind`.
    pub fn resolve(&self, def: &Def, kind: ItemKind) -> Result<u32> {
        resolve(&self.instances, &self.intrinsics, def, kind)
    }
}

/// The next free fused index of each kind while instances are laid out.
#[derive(Default)]
struct Next {
    func: u32,
    ty: u32,
    global: u32,
    table: u32,
    memory: u32,
    tag: u32,
    data: u32,
    elem: u32,
}

/// Whether a table type of plan resource `r` is used (so handles of it
/// exist at runtime).
fn held(plan: &Plan, r: usize) -> bool {
    (plan.resource_tables.iter().flatten()).any(|t| t.used && t.resource == r)
}

/// Each intrinsic's fused function index and core type, if any core
/// instance imports it (or a used intrinsic needs it). The signatures come
/// from the imports that use them. Host imports are numbered first: they
/// are the fused module's imports.
fn intrinsic_slots(plan: &Plan, modules: &[ModuleInfo]) -> Result<Vec<Option<(u32, FuncType)>>> {
    let mut used: Vec<(usize, FuncType)> = Vec::new();
    for inst in &plan.instances {
        let info = &modules[inst.module];
        for ((_, _, ty), arg) in info.imports.iter().zip(&inst.args) {
            if let (Def::Intrinsic(k), TypeRef::Func(t)) = (arg, ty) {
                plan.intrinsics
                    .get(*k)
                    .context("an import names an intrinsic that does not exist")?;
                if !used.iter().any(|(u, _)| u == k) {
                    let f = info
                        .types
                        .get(*t as usize)
                        .cloned()
                        .flatten()
                        .context("intrinsic import type")?;
                    used.push((*k, f));
                }
            }
        }
    }
    // What the used intrinsics need: a converting host call its raw
    // import (same core type); a host resource whose handles exist, the
    // host's `resource.drop`.
    for i in 0..used.len() {
        if let Intrinsic::HostCall { import, .. } = plan.intrinsics[used[i].0]
            && !used.iter().any(|(u, _)| *u == import)
        {
            let ty = used[i].1.clone();
            used.push((import, ty));
        }
    }
    for (r, res) in plan.resources.iter().enumerate() {
        if let (true, Some(_), Some(Def::Intrinsic(k))) = (held(plan, r), &res.host, &res.dtor)
            && !used.iter().any(|(u, _)| u == k)
        {
            used.push((*k, FuncType::new([wasmparser::ValType::I32], [])));
        }
    }
    used.sort_by_key(|(k, _)| !is_import(&plan.intrinsics[*k]));
    let mut intrinsics: Vec<Option<(u32, FuncType)>> = vec![None; plan.intrinsics.len()];
    for (func, (k, ty)) in used.into_iter().enumerate() {
        intrinsics[k] = Some((func as u32, ty));
    }
    Ok(intrinsics)
}

/// The index maps of core instance `i`: its imports resolved to their
/// definitions (earlier `instances`, intrinsics, flags), its definitions
/// numbered from `next` on.
fn instance_map(
    plan: &Plan,
    modules: &[ModuleInfo],
    intrinsics: &[Option<(u32, FuncType)>],
    instances: &[InstanceMap],
    i: usize,
    next: &mut Next,
) -> Result<InstanceMap> {
    let inst = &plan.instances[i];
    let info = &modules[inst.module];
    if info.imports.len() != inst.args.len() {
        bail!(
            "instance {i}: module has {} imports but {} arguments",
            info.imports.len(),
            inst.args.len()
        );
    }
    let mut map = InstanceMap {
        type_base: next.ty,
        data_base: next.data,
        elem_base: next.elem,
        ..Default::default()
    };
    next.ty += info.types.len() as u32;
    next.data += info.data;
    next.elem += info.elems;
    for ((module, name, ty), arg) in info.imports.iter().zip(&inst.args) {
        let kind = import_kind(ty);
        let target = resolve(instances, intrinsics, arg, kind)
            .with_context(|| format!("resolving import `{module}::{name}` of instance {i}"))?;
        if let (Def::Intrinsic(k), ItemKind::Func) = (arg, kind) {
            let transfer = match plan.intrinsics[*k] {
                Intrinsic::ResourceTransferOwn => Some(TransferKind::Own),
                Intrinsic::ResourceTransferBorrow => Some(TransferKind::Borrow),
                _ => None,
            };
            if let Some(t) = transfer {
                map.transfer_imports.push((map.funcs.len() as u32, t));
            }
        }
        map.space(kind).push(target);
    }
    map.funcs.extend(next.func..next.func + info.funcs);
    next.func += info.funcs;
    map.tables.extend(next.table..next.table + info.tables);
    next.table += info.tables;
    map.memories
        .extend(next.memory..next.memory + info.memories);
    next.memory += info.memories;
    map.globals.extend(next.global..next.global + info.globals);
    next.global += info.globals;
    map.tags.extend(next.tag..next.tag + info.tags);
    next.tag += info.tags;
    Ok(map)
}

fn resolve(
    instances: &[InstanceMap],
    intrinsics: &[Option<(u32, FuncType)>],
    def: &Def,
    kind: ItemKind,
) -> Result<u32> {
    match (def, kind) {
        (
            Def::Export {
                instance,
                kind: k,
                index,
            },
            _,
        ) if *k == kind => {
            let map = instances
                .get(*instance)
                .context("a definition names a later instance")?;
            map.get(kind)
                .get(*index as usize)
                .copied()
                .with_context(|| format!("{def} is out of range"))
        }
        (Def::InstanceFlags(c), ItemKind::Global) => Ok(*c),
        (Def::Intrinsic(k), ItemKind::Func) => Ok(intrinsics
            .get(*k)
            .cloned()
            .flatten()
            .context("an intrinsic without a function type")?
            .0),
        _ => bail!("{def} is not a {kind:?}"),
    }
}
