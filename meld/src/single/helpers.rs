//! The helper functions the rewritten code calls for growth and bulk
//! instructions.
//!
//! Growing region `i` by `delta` pages: `-1` if the region would pass its
//! maximum or the physical memory cannot grow; else the physical memory
//! grows by `delta`, the regions after `i` move up by `delta` pages (one
//! `memory.copy` of the tail), the pages region `i` gained are zeroed, the
//! later bases and region `i`'s sizes are updated and the old size returned.
//!
//! Bulk instructions check each range against its region and pass
//! `0xFFFF_FFFF` for a range that is out of it, so the native instruction
//! traps before it writes anything, as the original would have.

use super::regions::{Helper, Layout, OUT_OF_BOUNDS};
use anyhow::Result;
use wasm_encoder::{BlockType, Function, ValType};

/// The body of `helper`.
pub fn helper(layout: &Layout, helper: Helper) -> Result<Function> {
    match helper {
        Helper::Grow(memory) => grow(layout, memory),
        Helper::Fill(memory) => {
            let mut f = Function::new([]);
            checked_address(&mut f, layout, memory, 0, 2)?;
            f.instructions()
                .local_get(1)
                .local_get(2)
                .memory_fill(0)
                .end();
            Ok(f)
        }
        Helper::Copy { dst, src } => {
            let mut f = Function::new([]);
            checked_address(&mut f, layout, dst, 0, 2)?;
            checked_address(&mut f, layout, src, 1, 2)?;
            f.instructions().local_get(2).memory_copy(0, 0).end();
            Ok(f)
        }
        Helper::Init { data, memory } => {
            let mut f = Function::new([]);
            checked_address(&mut f, layout, memory, 0, 2)?;
            f.instructions()
                .local_get(1)
                .local_get(2)
                .memory_init(0, data)
                .end();
            Ok(f)
        }
    }
}

/// Pushes the physical address of the range at local `address` of
/// `len` bytes (local) in `memory`'s region, or `0xFFFF_FFFF` if the range
/// is not inside the region.
fn checked_address(
    f: &mut Function,
    layout: &Layout,
    memory: u32,
    address: u32,
    len: u32,
) -> Result<()> {
    let region = layout.region(memory)?;
    let mut sink = f.instructions();
    sink.local_get(address);
    if memory != 0 {
        sink.global_get(region.base_global).i32_add();
    }
    sink.i32_const(OUT_OF_BOUNDS)
        .local_get(address)
        .i64_extend_i32_u()
        .local_get(len)
        .i64_extend_i32_u()
        .i64_add()
        .global_get(region.bytes_global)
        .i64_le_u()
        .select();
    Ok(())
}

/// `memory.grow` of `memory`'s region. Locals: 0 delta, 1 old pages, 2 old
/// physical pages.
fn grow(layout: &Layout, memory: u32) -> Result<Function> {
    let region = layout.region(memory)?;
    let mut f = Function::new([(2, ValType::I32)]);
    let mut s = f.instructions();
    // The region's maximum.
    s.global_get(region.pages_global).local_set(1);
    s.local_get(0)
        .i32_const(region.maximum as i32)
        .local_get(1)
        .i32_sub()
        .i32_gt_u()
        .if_(BlockType::Empty)
        .i32_const(-1)
        .return_()
        .end();
    s.local_get(0)
        .i32_eqz()
        .if_(BlockType::Empty)
        .local_get(1)
        .return_()
        .end();
    // The physical memory.
    s.local_get(0)
        .memory_grow(0)
        .local_tee(2)
        .i32_const(-1)
        .i32_eq()
        .if_(BlockType::Empty)
        .i32_const(-1)
        .return_()
        .end();
    if let Some(next) = layout.regions.get(memory as usize + 1) {
        let next_base = next.base_global;
        // Move the tail up by delta pages, then zero what it left behind.
        s.global_get(next_base)
            .local_get(0)
            .i32_const(16)
            .i32_shl()
            .i32_add();
        s.global_get(next_base);
        s.local_get(2)
            .i32_const(16)
            .i32_shl()
            .global_get(next_base)
            .i32_sub();
        s.memory_copy(0, 0);
        s.global_get(next_base)
            .i32_const(0)
            .local_get(0)
            .i32_const(16)
            .i32_shl();
        s.memory_fill(0);
        for later in &layout.regions[memory as usize + 1..] {
            s.global_get(later.base_global)
                .local_get(0)
                .i32_const(16)
                .i32_shl()
                .i32_add()
                .global_set(later.base_global);
        }
    }
    if layout.checked {
        s.global_get(region.bytes_global)
            .local_get(0)
            .i64_extend_i32_u()
            .i64_const(16)
            .i64_shl()
            .i64_add()
            .global_set(region.bytes_global);
    }
    s.local_get(1)
        .local_get(0)
        .i32_add()
        .global_set(region.pages_global);
    s.local_get(1).end();
    Ok(f)
}
