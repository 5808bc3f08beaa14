//! Lowering a core module with several defined tables of one reference
//! type into one with a single defined table per reference type, so that
//! it loads under wasmtime's pooling allocator at its default limits
//! (`max_tables_per_module = 1` counts defined tables; imported ones are
//! left as they are). The sibling, for tables, of the `single` pass for
//! memories.
//!
//! # What it does
//!
//! The defined tables of one element type become *regions* of one
//! physical table, back to back in index order (the first at 0), each as
//! large as its table currently is. Two mutable i32 globals describe a
//! region: its base (not for the first region, which never moves) and its
//! size; they are read at every access, so indices stored anywhere (in
//! linear memory, as function pointers) stay valid: they are
//! region-relative.
//!
//! - `call_indirect`, `return_call_indirect` and `table.get` take
//!   `index < size ? base + index : -1` (with `select`, no new blocks).
//!   `-1` is past the end of every physical table (their maximum is
//!   capped at `u32::MAX - 1`), so an index out of its region traps with
//!   wasmtime's own `TableOutOfBounds`, as the original did; null entries
//!   and signature mismatches trap as before too.
//! - `table.size` reads the size global.
//! - `table.set`, `table.fill`, `table.copy` (between any two tables, one
//!   of them a region; overlap allowed) and `table.init` call a helper
//!   that rebases each index the same way for the whole run
//!   (`x <= size && n <= size - x`): zero-length runs at the end are in
//!   bounds, anything past it traps before doing anything.
//! - `table.grow` calls a helper that returns -1 past the region's
//!   declared maximum or when the physical table cannot grow, and
//!   otherwise grows the physical table, moves the later regions up
//!   (`table.copy` of the tail), fills the region's new slots with the
//!   operand and updates the globals. `elem.drop` is unchanged.
//! - Active element segments into a region are rebased onto its initial
//!   base; one that does not fit its region gets offset `-1`, so
//!   instantiation still fails.
//!
//! Function, global, type, memory, data and element indices are
//! unchanged (new types, functions and globals are appended; a function
//! body gets at most one new local, after its own); only table indices
//! change. Names: merged tables lose theirs, the new functions and globals
//! get names. Other custom sections are copied unchanged (DWARF code
//! offsets are not rewritten here: [`Lowered::code`](crate::tables::Lowered::code) says where the code
//! went, for the caller to rewrite them). The output is a function of the input's
//! bytes only.
//!
//! # Assumes
//!
//! A module valid under [`crate::encode::features`] (checked; exception
//! handling is also accepted, and tags and `try_table` are copied through).
//!
//! # Does not support (each an error naming the construct)
//!
//! Among tables that need merging: 64-bit tables, shared tables, exported
//! tables (the host would see every region), tables with different
//! initial-value expressions, active element segments whose offset is not
//! an `i32.const`. Atomic table instructions. Regions together larger than
//! `u32::MAX - 1` elements. A grow that the original tables could have
//! done may fail (-1) when the one physical table reaches an engine limit
//! the separate tables would not have (e.g. the pooling allocator's
//! `table_elements`).

mod access;
mod helpers;
mod layout;
mod plan;
mod scan;
mod write;

use std::collections::BTreeSet;

use anyhow::Result;

pub use layout::{OUT_OF_BOUNDS, PHYSICAL_MAX};

/// The lowered module.
#[derive(Debug, Clone)]
pub struct Lowered {
    /// The module's bytes (the input's own when nothing was merged).
    pub module: Vec<u8>,
    /// Per input table (imported first), where it went.
    pub tables: Vec<Placement>,
    /// Where the input's code went (`None`: the input is returned as it
    /// is), for carrying DWARF ([`crate::merge::addrs::CodeMap::then`]).
    pub code: Option<crate::merge::addrs::CodeMap>,
}

/// Where one input table went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// A table of its own, at this output index.
    Table(u32),
    /// A region of a physical table.
    Region {
        /// The physical table's output index.
        table: u32,
        /// The region's first index at instantiation.
        base: u32,
        /// The mutable i32 global holding its current first index (`None`
        /// for the first region, always at 0).
        base_global: Option<u32>,
        /// The mutable i32 global holding its current size.
        size_global: u32,
    },
}

/// Merges the defined tables of each reference type into one.
pub fn lower(module: &[u8]) -> Result<Lowered> {
    let input = scan::read(module)?;
    let Some(mut layout) = plan::plan(&input)? else {
        return Ok(Lowered {
            module: module.to_vec(),
            tables: (0..input.tables.len() as u32)
                .map(Placement::Table)
                .collect(),
            code: None,
        });
    };
    let mut wanted = BTreeSet::new();
    let mut scratch = Vec::with_capacity(input.bodies.len());
    for body in &input.bodies {
        let needs = access::needs(body.get_operators_reader()?, &layout)?;
        scratch.push(needs.scratch);
        wanted.extend(needs.helpers);
    }
    let functions = input.func_types.len() as u32;
    let types = input.type_params.len() as u32;
    layout.helpers = helpers::assign(&wanted, &layout, functions, types)?;
    let (bytes, code) = write::write(module, &input, &layout, &scratch)?;
    let tables = (layout.targets.iter())
        .map(|t| match t {
            layout::Target::Plain(t) => Placement::Table(*t),
            layout::Target::Region(r) => Placement::Region {
                table: r.table,
                base: r.base,
                base_global: r.base_global,
                size_global: r.size_global,
            },
        })
        .collect();
    Ok(Lowered {
        module: bytes,
        tables,
        code: Some(code),
    })
}
