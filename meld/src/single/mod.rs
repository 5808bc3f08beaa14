//! `--memory single`: lowers a core module with several linear memories
//! into an equivalent module with exactly one.
//!
//! # What it does
//!
//! Memory `i` becomes region `i` of the one physical memory; the regions
//! lie back to back in index order (`base_0 = 0`, `base_{i+1} = base_i +
//! pages_i * 64 KiB`). Each region has three mutable globals, read at every
//! access: its base address, its size in pages and its size in bytes (an
//! i64). Every memory instruction of memory `i` is rewritten:
//!
//! - loads, stores, SIMD loads and stores (splat, zero, extend, lane) and
//!   atomics: the address is checked against the region's current size
//!   (`a + offset + size <= bytes_i`, computed in i64) and rebased to
//!   `base_i + a`; an out-of-bounds access goes to `0xFFFF_FFFF` (atomics:
//!   `a | 0xFFFF_0000`, keeping its alignment), which the physical memory
//!   never covers, so the engine traps as the original would have.
//! - `memory.size`: the region's pages global.
//! - `memory.grow`, `memory.fill`, `memory.copy`, `memory.init`: calls to
//!   appended helpers. Growing region `i` grows the physical memory and
//!   moves every later region up (their bases move; region-relative
//!   pointers stored in memory stay valid because bases are read at each
//!   access); the new pages are zeroed. A region grows up to its declared
//!   maximum, else [`Options::budget_pages`](crate::single::Options::budget_pages), else what the physical
//!   memory has room for.
//! - `data.drop` is unchanged; active data segments get their region's
//!   initial base added (a segment out of its region gets offset
//!   `0xFFFF_FFFF`, so instantiation traps as it would have).
//!
//! The physical memory's maximum is 65535 pages: one page short of 4 GiB,
//! so that address `0xFFFF_FFFF` (and all of `0xFFFF_0000..`) is always out
//! of bounds. A memory that declares no maximum could have grown to 65536
//! pages; here all regions share 65535.
//!
//! Index spaces are stable: types, functions and globals are appended at
//! the end, scratch locals after a function's own locals; tables,
//! elements, data segments, the start function and non-memory exports are
//! unchanged. The memory exports are replaced by one export of the
//! physical memory under [`Options::export_name`](crate::single::Options::export_name). Custom sections are
//! copied, except `name`, whose memory names are dropped and which names
//! the appended functions and globals (`meld:region1.base`, ...). The
//! output is deterministic.
//!
//! A module with one memory keeps its code (the region is the whole
//! memory): only `memory.grow` goes through a helper, to keep the pages
//! global current. A module without memories is returned as it is.
//!
//! # What it assumes and does not support
//!
//! The input is valid under [`crate::encode::features`] (checked first).
//! Errors, each naming the construct: imported memories, shared memories,
//! 64-bit memories, custom page sizes, a memory instruction the pass does
//! not know (`memory.discard`), an active data segment whose offset reads a
//! global, initial sizes adding up to more than 65535 pages, and DWARF
//! (`.debug_*` sections: the code offsets move).

mod access;
mod body;
mod emit;
mod helpers;
mod layout;
mod names;
mod regions;
mod scan;

use anyhow::{Context, Result, bail};

/// How regions are sized and described.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Maximum pages of a region whose memory declares no maximum (`None`:
    /// limited only by the 4 GiB total).
    pub budget_pages: Option<u64>,
    /// Existing globals to hold the region bases, one per memory of the
    /// input, in memory index order: each a defined, mutable i32 global
    /// whose initialiser is `i32.const 0` (the pass sets it to the region's
    /// initial base). Empty: the pass appends its own.
    pub base_globals: Vec<u32>,
    /// Name the one memory is exported under.
    pub export_name: String,
}

/// The lowered module and where each original memory went.
#[derive(Debug, Clone)]
pub struct Lowered {
    /// The lowered module: at most one memory, exported as
    /// [`Options::export_name`](crate::single::Options::export_name).
    pub module: Vec<u8>,
    /// Per original memory: the global holding its region's base address
    /// (bytes).
    pub bases: Vec<u32>,
    /// Per original memory: the global holding its region's current size
    /// in pages.
    pub pages: Vec<u32>,
    /// Where the input's code went (`None`: the code is unchanged), for
    /// carrying DWARF ([`crate::merge::addrs::CodeMap::then`]).
    pub code: Option<crate::merge::addrs::CodeMap>,
}

/// Lowers `module` (a core module) to one memory; see the module docs.
pub fn lower(module: &[u8], options: &Options) -> Result<Lowered> {
    wasmparser::Validator::new_with_features(crate::encode::features_with(true))
        .validate_all(module)
        .context("--memory single: the input is not a valid core module")?;
    let input = scan::scan(module)?;
    if input.memories.is_empty() && input.imported_memories.is_empty() {
        if !options.base_globals.is_empty() {
            bail!("--memory single: base globals given for a module without memories");
        }
        return Ok(Lowered {
            module: module.to_vec(),
            bases: Vec::new(),
            pages: Vec::new(),
            code: None,
        });
    }
    if input.dwarf {
        bail!(
            "--memory single: the module has DWARF, whose code addresses lowering moves: \
             lower it without and rewrite them with `Lowered::code`"
        );
    }
    let layout = layout::layout(
        &input,
        options.budget_pages,
        &options.base_globals,
        &options.export_name,
    )?;
    let (module, code) = emit::emit(module, &input, &layout)?;
    Ok(Lowered {
        module,
        code: Some(code),
        bases: layout.regions.iter().map(|r| r.base_global).collect(),
        pages: layout.regions.iter().map(|r| r.pages_global).collect(),
    })
}
