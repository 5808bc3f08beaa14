//! meld's own model of a flattened component: what [`crate::translate`]
//! produces and every later stage consumes.
//!
//! A [`Plan`] is a straight-line program: instantiate these core modules in
//! this order, wiring each import to an earlier instance's export, a
//! per-component-instance flags global or a runtime [`Intrinsic`]; then lift
//! these core functions as the root exports. Nested components, aliases and
//! lift→lower pairs are already gone: the translator inlined them and
//! compiled each lift→lower pair into a generated adapter module (FACT),
//! which appears here as an ordinary module with `adapter: true`.
//!
//! Nothing here refers to wasmtime-environ types, so the rest of meld does
//! not change when the translator is upgraded.

use std::fmt;

mod display;
pub mod json;

/// The flattened component.
#[derive(Debug, Clone, Default)]
pub struct Plan<'a> {
    /// Every core module, by index: the input's own modules, then the
    /// generated adapter modules.
    pub modules: Vec<Module<'a>>,
    /// Core instantiations in the order they must happen.
    pub instances: Vec<Instantiation>,
    /// The number of component instances (each owns one flags global).
    pub component_instances: u32,
    /// Whether the input uses exception handling (tags, `throw`,
    /// `try_table`): the output is then validated with that feature on.
    pub exceptions: bool,
    /// Functions the runtime must provide, by index ([`Def::Intrinsic`]).
    pub intrinsics: Vec<Intrinsic>,
    /// Linear memories named by canonical options, by index.
    pub memories: Vec<Def>,
    /// `realloc` functions named by canonical options, by index.
    pub reallocs: Vec<Def>,
    /// `post-return` functions named by canonical options, by index.
    pub post_returns: Vec<Def>,
    /// The exported functions (at the root or inside exported instances),
    /// in the input's order.
    pub exports: Vec<RootExport>,
    /// Exported types, by name, in the input's order.
    pub type_exports: Vec<(ExportName, ValType)>,
    /// Records, variants, enums and flags the input's imported instances
    /// export by name (e.g. `wasi:io/streams`' `stream-error`): instance,
    /// name, type (its handles in the root component's table types).
    pub host_type_names: Vec<(String, String, ValType)>,
    /// Exported resource types: name and resource table type (of the
    /// component instance that exports it), in the input's order.
    pub resource_exports: Vec<(ExportName, usize)>,
    /// The names of the instances (interfaces) exported at the root, in the
    /// input's order; what they contain is in `exports`, `type_exports` and
    /// `resource_exports` under [`ExportName::instance`].
    pub instance_exports: Vec<String>,
    /// Root exports of component and instance types (what a WIT package
    /// encoded as a component exports): they carry no behaviour, and the
    /// `--component` output re-exports them from the input's own type
    /// declarations ([`crate::wrap`]).
    pub type_only_exports: Vec<String>,
    /// Host functions the composition imports, one per lowering.
    pub host_imports: Vec<HostImport>,
    /// Resource types, by index ([`ResourceTable::resource`]): those defined
    /// inside the composition, then those imported from the host.
    pub resources: Vec<Resource>,
    /// Resource table types, indexed by the number the generated adapters
    /// pass to the transfer intrinsics (the translator's resource table type
    /// index); `None` for a type that never exists at runtime.
    pub resource_tables: Vec<Option<ResourceTable>>,
}

/// A resource type: defined by a component instance of the composition, or
/// imported from the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// The component instance that defines it (`resource.new` and the
    /// destructor belong to it); `None` for a resource imported from the
    /// host.
    pub instance: Option<u32>,
    /// The destructor (`(func (param i32))`), if the definition has one; for
    /// a host resource, its [`Intrinsic::HostResourceDrop`].
    pub dtor: Option<Def>,
    /// Where the host defines it, for a resource imported from the host.
    pub host: Option<HostResource>,
    /// `<interface>#<resource>` when it can be recovered from the defining
    /// core module's export or import names.
    pub name: Option<String>,
    /// Whether the defining core module lists the resource in its
    /// `wit-bindgen-opaque` custom section (its reps are opaque handles,
    /// not pointers).
    pub opaque: bool,
}

/// One resource table type: the handles of one resource type as one
/// component instance sees them. They live in that instance's handle table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceTable {
    /// Index into [`Plan::resources`].
    pub resource: usize,
    /// The component instance whose handle table holds these handles.
    pub instance: u32,
    /// Whether any intrinsic, adapter transfer or root export uses this
    /// table type (only then does the instance get a handle table for it).
    pub used: bool,
}

/// A host function lowered into the composition: it stays an import of the
/// fused module.
#[derive(Debug, Clone)]
pub struct HostImport {
    /// The imported instance (interface) it comes from, e.g.
    /// `wasi:cli/stdout@0.2.0`; `None` for a function imported at the root.
    pub instance: Option<String>,
    /// The function's name (inside `instance`, or at the root).
    pub name: String,
    /// Its component-level type, as seen by the lowering component.
    pub ty: FuncType,
    /// The canonical options of the lowering (`post_return` is always `None`).
    pub options: CanonOptions,
}

/// A resource type imported from the host. Handles of it in the inner
/// tables have the host's handle as their rep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostResource {
    /// The imported instance (interface) that exports it; `None` for a
    /// resource imported at the root.
    pub instance: Option<String>,
    /// The resource's name (inside `instance`, or at the root).
    pub name: String,
}

/// One core module's binary.
#[derive(Debug, Clone)]
pub struct Module<'a> {
    /// The module's bytes, exactly as the input (or the adapter compiler)
    /// has them: borrowed from the input, not copied.
    pub bytes: std::borrow::Cow<'a, [u8]>,
    /// Whether the translator generated this module (a FACT adapter module).
    pub adapter: bool,
}

/// One core instantiation.
#[derive(Debug, Clone)]
pub struct Instantiation {
    /// Index into [`Plan::modules`].
    pub module: usize,
    /// The component instance this core instance belongs to; `None` for
    /// adapter modules.
    pub component_instance: Option<u32>,
    /// One definition per import of the module, in import order.
    pub args: Vec<Def>,
}

/// The kind of a core item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// A function.
    Func,
    /// A table.
    Table,
    /// A linear memory.
    Memory,
    /// A global.
    Global,
    /// An exception tag.
    Tag,
}

/// Where a core item comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Def {
    /// Item `index` (in its module's own index space, imports included) of an
    /// earlier core instance.
    Export {
        /// Index into [`Plan::instances`].
        instance: usize,
        /// The item's kind.
        kind: ItemKind,
        /// The item's index in that instance's index space of `kind`.
        index: u32,
    },
    /// The flags global (`may_leave`) of a component instance.
    InstanceFlags(u32),
    /// A function the runtime provides: index into [`Plan::intrinsics`].
    Intrinsic(usize),
}

/// A function the component model's runtime normally provides, which meld
/// emits as wasm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Intrinsic {
    /// Traps; the argument is the adapter's trap code.
    Trap,
    /// A lowered host function: index into [`Plan::host_imports`]. It is
    /// an import of the fused module.
    HostImport(usize),
    /// A lowered host function that passes handles in its parameters or
    /// result (also inside compound types): converts them between the caller's table and
    /// the host's handles, around a call to `import` (an
    /// [`Intrinsic::HostImport`] of the same host import).
    HostCall {
        /// Index into [`Plan::host_imports`].
        host: usize,
        /// Index into [`Plan::intrinsics`] of the raw import.
        import: usize,
    },
    /// The host's `resource.drop` of a resource imported from the host
    /// (index into [`Plan::resources`]): `(host handle) -> ()`, an import of
    /// the fused module.
    HostResourceDrop(usize),
    /// Copies or transcodes a string between two memories ([`Plan::memories`]).
    Transcode {
        /// The operation.
        op: Transcode,
        /// The memory the string is read from.
        from: usize,
        /// The memory the string is written to.
        to: usize,
    },
    /// `resource.new`: a new own handle in the table of `table`'s instance.
    ResourceNew {
        /// The calling component instance (its `may_leave` flag is checked).
        instance: u32,
        /// Index into [`Plan::resource_tables`].
        table: usize,
    },
    /// `resource.rep`: the rep behind a handle of type `table`.
    ResourceRep {
        /// The calling component instance.
        instance: u32,
        /// Index into [`Plan::resource_tables`].
        table: usize,
    },
    /// `resource.drop`: removes a handle of type `table`, running the
    /// destructor for an own handle.
    ResourceDrop {
        /// The calling component instance (its `may_leave` flag is checked).
        instance: u32,
        /// Index into [`Plan::resource_tables`].
        table: usize,
    },
    /// Moves an own handle between tables; the generated adapters pass the
    /// source and destination table types as constants, and every call site
    /// is specialised on them when merging.
    ResourceTransferOwn,
    /// Lends an own handle, or passes a borrow on, to another table; call
    /// sites are specialised like [`Intrinsic::ResourceTransferOwn`].
    ResourceTransferBorrow,
    /// Opens a call scope (the adapters call it before lowering borrows).
    EnterSyncCall,
    /// Closes the current call scope: traps if borrows handed to the callee
    /// are still held and ends the lends made for the call.
    ExitSyncCall,
}

/// A string encoding with fixed-width code units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FixedEncoding {
    /// UTF-8.
    Utf8,
    /// UTF-16 (little endian).
    Utf16,
    /// Latin-1.
    Latin1,
}

/// A string transcoding operation the adapters call (the reference
/// runtime's transcoder set, same names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Transcode {
    /// A validating copy within one encoding.
    Copy(FixedEncoding),
    Latin1ToUtf16,
    Latin1ToUtf8,
    Utf16ToCompactProbablyUtf16,
    Utf16ToCompactUtf16,
    Utf16ToLatin1,
    Utf16ToUtf8,
    Utf8ToCompactUtf16,
    Utf8ToLatin1,
    Utf8ToUtf16,
}

/// A component-level string encoding (canonical option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StringEncoding {
    /// `string-encoding=utf8`.
    Utf8,
    /// `string-encoding=utf16`.
    Utf16,
    /// `string-encoding=latin1+utf16`.
    CompactUtf16,
}

/// The name of an exported item: at the root, or inside an instance
/// exported at the root. Displayed as `name` or `instance#name`, which is
/// also the fused core module's export name of a function.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExportName {
    /// The exported instance (interface) it is in, e.g. `my:pkg/api`;
    /// `None` at the root.
    pub instance: Option<String>,
    /// Its name (inside `instance`, or at the root).
    pub name: String,
}

impl fmt::Display for ExportName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.instance {
            Some(i) => write!(f, "{i}#{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// An exported function of the component (at the root or inside an
/// exported instance): a lifted core function.
#[derive(Debug, Clone)]
pub struct RootExport {
    /// The export's name.
    pub name: ExportName,
    /// Its component-level type.
    pub ty: FuncType,
    /// The core function being lifted.
    pub func: Def,
    /// The canonical options of the lift.
    pub options: CanonOptions,
}

/// Canonical options of a lift or lower.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonOptions {
    /// The string encoding.
    pub string_encoding: StringEncoding,
    /// Index into [`Plan::memories`].
    pub memory: Option<usize>,
    /// Index into [`Plan::reallocs`].
    pub realloc: Option<usize>,
    /// Index into [`Plan::post_returns`].
    pub post_return: Option<usize>,
}

/// A component function type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuncType {
    /// Named parameters.
    pub params: Vec<(String, ValType)>,
    /// The result, if any.
    pub result: Option<ValType>,
}

/// A component value type (futures and streams are not representable
/// yet). Handles name a resource table type ([`Plan::resource_tables`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum ValType {
    Bool,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
    S64,
    U64,
    F32,
    F64,
    Char,
    String,
    List(Box<ValType>),
    Record(Vec<(String, ValType)>),
    Tuple(Vec<ValType>),
    Variant(Vec<(String, Option<ValType>)>),
    Enum(Vec<String>),
    Flags(Vec<String>),
    Option(Box<ValType>),
    Result {
        ok: Option<Box<ValType>>,
        err: Option<Box<ValType>>,
    },
    Own(usize),
    Borrow(usize),
}

impl ValType {
    /// Whether this is or contains a handle.
    pub fn has_handle(&self) -> bool {
        self.contains(&|t| matches!(t, ValType::Own(_) | ValType::Borrow(_)))
    }

    /// Whether this is or contains a pointer into linear memory (a string
    /// or a list).
    pub fn has_pointer(&self) -> bool {
        self.contains(&|t| matches!(t, ValType::String | ValType::List(_)))
    }

    /// Whether this or a type inside it is one `hit` picks.
    fn contains(&self, hit: &impl Fn(&ValType) -> bool) -> bool {
        hit(self)
            || match self {
                ValType::List(t) | ValType::Option(t) => t.contains(hit),
                ValType::Record(fs) => fs.iter().any(|(_, t)| t.contains(hit)),
                ValType::Tuple(ts) => ts.iter().any(|t| t.contains(hit)),
                ValType::Variant(cs) => cs.iter().flat_map(|(_, t)| t).any(|t| t.contains(hit)),
                ValType::Result { ok, err } => ok.iter().chain(err).any(|t| t.contains(hit)),
                _ => false,
            }
    }

    /// The handles (`Own` and `Borrow`) this is or contains, outermost
    /// first.
    pub fn handles(&self) -> Vec<&ValType> {
        let mut out = Vec::new();
        self.collect_handles(&mut out);
        out
    }

    fn collect_handles<'a>(&'a self, out: &mut Vec<&'a ValType>) {
        match self {
            ValType::Own(_) | ValType::Borrow(_) => out.push(self),
            ValType::List(t) | ValType::Option(t) => t.collect_handles(out),
            ValType::Record(fs) => fs.iter().for_each(|(_, t)| t.collect_handles(out)),
            ValType::Tuple(ts) => ts.iter().for_each(|t| t.collect_handles(out)),
            ValType::Variant(cs) => cs
                .iter()
                .flat_map(|(_, t)| t)
                .for_each(|t| t.collect_handles(out)),
            ValType::Result { ok, err } => {
                ok.iter().chain(err).for_each(|t| t.collect_handles(out))
            }
            _ => {}
        }
    }

    /// The number of core values this flattens to (canonical ABI).
    pub fn flat_len(&self) -> usize {
        let case = |t: &Option<Box<ValType>>| t.as_deref().map_or(0, ValType::flat_len);
        match self {
            ValType::String | ValType::List(_) => 2,
            ValType::Record(fs) => fs.iter().map(|(_, t)| t.flat_len()).sum(),
            ValType::Tuple(ts) => ts.iter().map(ValType::flat_len).sum(),
            ValType::Variant(cs) => {
                1 + cs
                    .iter()
                    .map(|(_, t)| t.as_ref().map_or(0, ValType::flat_len))
                    .max()
                    .unwrap_or(0)
            }
            ValType::Option(t) => 1 + t.flat_len(),
            ValType::Result { ok, err } => 1 + case(ok).max(case(err)),
            ValType::Flags(names) => names.len().div_ceil(32),
            _ => 1,
        }
    }
}

/// Resource table type `index` of `tables` ([`Plan::resource_tables`]),
/// which must exist at runtime.
pub fn runtime_table(
    tables: &[Option<ResourceTable>],
    index: usize,
) -> anyhow::Result<&ResourceTable> {
    match tables.get(index) {
        Some(Some(t)) => Ok(t),
        Some(None) => anyhow::bail!(
            "resource table type {index} does not exist at runtime (an abstract resource type)"
        ),
        None => anyhow::bail!("resource table type {index} does not exist"),
    }
}

impl Plan<'_> {
    /// The resource (index into [`Plan::resources`]) of resource table
    /// type `t`, which must exist at runtime (the translator checks every
    /// handle type it puts in the plan).
    pub fn resource_of(&self, t: usize) -> usize {
        self.resource_tables[t]
            .expect("handles name runtime table types")
            .resource
    }

    /// How many core instances are generated adapter instances.
    pub fn adapter_instances(&self) -> usize {
        self.instances
            .iter()
            .filter(|i| self.modules[i.module].adapter)
            .count()
    }
}
