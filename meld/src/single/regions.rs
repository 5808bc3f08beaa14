//! The layout every part of the pass shares: where each original memory's
//! region lives, which globals describe it, and which helper functions the
//! rewritten code calls.

use std::collections::BTreeMap;

/// Bytes per (64 KiB) page.
pub const PAGE_BYTES: u64 = 65536;
/// The physical memory's maximum with several regions: one page short of
/// 4 GiB, so every address from `0xFFFF_0000` up is out of bounds.
pub const PHYSICAL_MAX_PAGES: u64 = 65535;
/// The most pages a 32-bit memory can have.
pub const MEMORY32_MAX_PAGES: u64 = 65536;
/// Where a non-atomic access or a bulk operation that is out of its region
/// is sent: never in bounds of the physical memory.
pub const OUT_OF_BOUNDS: i32 = -1;
/// Or-ed into the address of an out-of-bounds atomic access: the result is
/// out of bounds and keeps the address's alignment, so a misaligned access
/// traps as it would have.
pub const OUT_OF_BOUNDS_HIGH: i32 = 0xFFFF_0000_u32 as i32;

/// One original memory, as a region of the physical memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Pages at instantiation.
    pub initial: u64,
    /// The most pages the region may grow to.
    pub maximum: u64,
    /// The region's address at instantiation (bytes).
    pub base: u64,
    /// Mutable i32 global: the region's current address (bytes).
    pub base_global: u32,
    /// Mutable i32 global: the region's current size in pages.
    pub pages_global: u32,
    /// Mutable i64 global: the region's current size in bytes (checked
    /// layouts only; unused otherwise).
    pub bytes_global: u32,
}

/// A helper function the rewritten code calls, keyed by what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Helper {
    /// `memory.grow` of a memory: `(delta) -> old pages or -1`.
    Grow(u32),
    /// `memory.fill` of a memory: `(dst, value, len)`.
    Fill(u32),
    /// `memory.copy` between two memories: `(dst, src, len)`.
    Copy {
        /// Destination memory.
        dst: u32,
        /// Source memory.
        src: u32,
    },
    /// `memory.init` of a data segment into a memory: `(dst, src, len)`.
    Init {
        /// The data segment.
        data: u32,
        /// The destination memory.
        memory: u32,
    },
}

/// A global the pass appends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGlobal {
    /// Whether it is an i64 (else an i32).
    pub wide: bool,
    /// Its initial value.
    pub init: i64,
    /// Its name in the name section.
    pub name: String,
}

/// Everything the rewriting and emitting parts need to know.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Per original memory, in index order.
    pub regions: Vec<Region>,
    /// Whether accesses are rebased and bounds-checked (two or more
    /// memories). With one memory the region is the whole physical memory:
    /// only `memory.grow` goes through a helper, to keep the pages global.
    pub checked: bool,
    /// The physical memory's pages at instantiation.
    pub physical_initial: u64,
    /// The physical memory's maximum.
    pub physical_maximum: Option<u64>,
    /// The helpers used, with their function indices (appended in key order).
    pub helpers: BTreeMap<Helper, u32>,
    /// Type index of `(i32) -> i32` (appended when there are helpers).
    pub grow_type: u32,
    /// Type index of `(i32, i32, i32) -> ()` (appended after `grow_type`).
    pub bulk_type: u32,
    /// Index of the first appended global.
    pub first_new_global: u32,
    /// The appended globals, in index order.
    pub new_globals: Vec<NewGlobal>,
    /// Existing globals given as bases, with the initial value they get.
    pub rebased_globals: BTreeMap<u32, i32>,
    /// Name the one memory is exported under.
    pub export_name: String,
}

impl Layout {
    /// The region of memory `memory` (an error naming it if out of range).
    pub fn region(&self, memory: u32) -> anyhow::Result<&Region> {
        self.regions
            .get(memory as usize)
            .ok_or_else(|| anyhow::anyhow!("--memory single: memory {memory} does not exist"))
    }
}
