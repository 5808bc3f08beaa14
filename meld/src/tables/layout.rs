//! The layout every part of the pass shares: where each input table went
//! (a table of its own, or a region of a physical table), which globals
//! describe a region, and which helper functions the rewritten code calls.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use wasm_encoder::ValType;

/// Where an index that is out of its region is sent: past the end of every
/// physical table (their maximum is [`PHYSICAL_MAX`]), so the engine's own
/// bounds check traps, with its own trap.
pub const OUT_OF_BOUNDS: i32 = -1;
/// The maximum of a physical table holding several regions: one short of
/// `u32::MAX`, so [`OUT_OF_BOUNDS`] is never in bounds, not even for a
/// zero-length bulk operation.
pub const PHYSICAL_MAX: u64 = 0xFFFF_FFFE;
/// The most elements a 32-bit table can have: a region's maximum when its
/// table declares none.
pub const TABLE32_MAX: u64 = u32::MAX as u64;

/// One input table, as a region of a physical table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// The physical table (output index).
    pub table: u32,
    /// The tables' element type.
    pub ty: wasmparser::RefType,
    /// The region's first index in the physical table at instantiation.
    pub base: u32,
    /// Elements at instantiation.
    pub initial: u32,
    /// The most elements the region may grow to (the table's declared
    /// maximum, or [`TABLE32_MAX`]).
    pub maximum: u32,
    /// Mutable i32 global: the region's current first index; `None` for
    /// the first region of its physical table, which never moves.
    pub base_global: Option<u32>,
    /// Mutable i32 global: the region's current size in elements.
    pub size_global: u32,
    /// The base globals of the regions after this one in the same physical
    /// table (a grow of this region moves them up).
    pub later: Vec<u32>,
}

/// Where one input table went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A table of its own (imported, or the only defined table of its
    /// element type), at this output index.
    Plain(u32),
    /// A region of a physical table.
    Region(Region),
}

impl Target {
    /// The output table the input table's elements live in.
    pub fn table(&self) -> u32 {
        match self {
            Target::Plain(t) => *t,
            Target::Region(r) => r.table,
        }
    }
}

/// One defined table of the output, in output order.
#[derive(Debug, Clone)]
pub enum Physical<'a> {
    /// An input's defined table, copied unchanged.
    Plain,
    /// The table holding the regions of all defined tables of one element
    /// type.
    Merged {
        /// Its type: the regions' element type, their summed initial sizes,
        /// their summed maxima capped at [`PHYSICAL_MAX`].
        ty: wasm_encoder::TableType,
        /// The initial value of its elements (the regions' common one);
        /// `None`: null.
        init: Option<wasmparser::ConstExpr<'a>>,
    },
}

/// A new mutable i32 global describing a region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGlobal {
    /// Its value at instantiation.
    pub initial: u32,
    /// Its name in the name section.
    pub name: String,
}

/// A helper function the rewritten code calls, keyed by what it does;
/// tables are input table indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Helper {
    /// `table.set` of a region: `(index, value)`.
    Set(u32),
    /// `table.grow` of a region: `(value, delta) -> old size or -1`.
    Grow(u32),
    /// `table.fill` of a region: `(index, value, length)`.
    Fill(u32),
    /// `table.copy` where at least one side is a region:
    /// `(dst, src, length)`.
    Copy {
        /// Destination table.
        dst: u32,
        /// Source table.
        src: u32,
    },
    /// `table.init` of an element segment into a region:
    /// `(dst, src, length)`.
    Init {
        /// The region's table.
        table: u32,
        /// The element segment.
        elem: u32,
    },
}

/// A function type: parameters and results.
pub type Signature = (Vec<ValType>, Vec<ValType>);

/// The helper functions of the output and their types, appended after the
/// input's functions and types.
#[derive(Debug, Clone, Default)]
pub struct Helpers {
    /// Each helper's function index, in function order.
    pub functions: BTreeMap<Helper, u32>,
    /// Each helper's type index.
    pub type_of: BTreeMap<Helper, u32>,
    /// The new types, in type order.
    pub types: Vec<Signature>,
}

impl Helpers {
    /// The function index of `helper`.
    pub fn function(&self, helper: Helper) -> Result<u32> {
        match self.functions.get(&helper) {
            Some(f) => Ok(*f),
            None => bail!("internal: helper {helper:?} was not planned"),
        }
    }
}

/// The whole plan of a lowering.
#[derive(Debug, Clone)]
pub struct Layout<'a> {
    /// Per input table (imported first), where it went.
    pub targets: Vec<Target>,
    /// The output's defined tables, in order (after the imported ones).
    pub physical: Vec<Physical<'a>>,
    /// The new globals, appended after the input's.
    pub globals: Vec<NewGlobal>,
    /// The index of the first new global.
    pub first_global: u32,
    /// The helper functions (filled in after the code is scanned).
    pub helpers: Helpers,
}

impl Layout<'_> {
    /// Where input table `table` went.
    pub fn target(&self, table: u32) -> Result<&Target> {
        match self.targets.get(table as usize) {
            Some(t) => Ok(t),
            None => bail!("table {table} does not exist"),
        }
    }

    /// The region input table `table` became, if it was merged.
    pub fn region(&self, table: u32) -> Result<Option<&Region>> {
        Ok(match self.target(table)? {
            Target::Plain(_) => None,
            Target::Region(r) => Some(r),
        })
    }

    /// Whether input table `table` was merged.
    pub fn is_region(&self, table: u32) -> Result<bool> {
        Ok(self.region(table)?.is_some())
    }
}
