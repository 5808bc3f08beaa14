//! Instruction sequences shared by the resource intrinsics: slot lookup,
//! type checks, insertion and removal in a handle table, `may_leave`
//! checks. Each works on locals the caller names; none calls a function.

use super::state::{HandleTable, MAX_HANDLE, MAX_LIVE};
use wasm_encoder::{BlockType, InstructionSink, MemArg};

/// Slot field offsets.
pub const KIND: u64 = 0;
/// The next free slot (free) or the table type (own, borrow).
pub const TYPE: u64 = 4;
/// The rep.
pub const REP: u64 = 8;
/// The lend count (own) or the call scope's address (borrow).
pub const AUX: u64 = 12;

/// Slot kinds.
pub const FREE: i32 = 0;
/// An own handle.
pub const OWN: i32 = 1;
/// A borrow handle.
pub const BORROW: i32 = 2;

/// A 4-byte access to `memory` at `offset`.
pub fn mem(memory: u32, offset: u64) -> MemArg {
    MemArg {
        offset,
        align: 2,
        memory_index: memory,
    }
}

/// Traps if the `i32` on the stack is nonzero.
pub fn trap_if(s: &mut InstructionSink) {
    s.if_(BlockType::Empty).unreachable().end();
}

/// Traps unless component instance `instance` may leave (its flags global,
/// which has the instance's index, is nonzero).
pub fn check_may_leave(s: &mut InstructionSink, instance: u32) {
    s.global_get(instance).i32_eqz();
    trap_if(s);
}

/// Looks up handle `idx` (a local) in `table` and leaves its slot's address
/// in local `addr`; traps on handle 0, a handle never allocated and a free
/// slot ("unknown handle index").
pub fn slot(s: &mut InstructionSink, table: HandleTable, idx: u32, addr: u32) {
    s.local_get(idx).i32_eqz();
    trap_if(s);
    s.local_get(idx)
        .i32_const(1)
        .i32_sub()
        .local_tee(addr)
        .global_get(table.len)
        .i32_ge_u();
    trap_if(s);
    s.local_get(addr)
        .i32_const(4)
        .i32_shl()
        .local_tee(addr)
        .i32_load(mem(table.memory, KIND))
        .i32_eqz();
    trap_if(s);
}

/// Traps unless the handle at `addr` is of table type `ty`.
pub fn check_type(s: &mut InstructionSink, table: HandleTable, addr: u32, ty: usize) {
    s.local_get(addr)
        .i32_load(mem(table.memory, TYPE))
        .i32_const(ty as i32)
        .i32_ne();
    trap_if(s);
}

/// Loads field `field` of the slot at `addr`.
pub fn load(s: &mut InstructionSink, table: HandleTable, addr: u32, field: u64) {
    s.local_get(addr).i32_load(mem(table.memory, field));
}

/// Frees the slot at `addr` (handle `idx`): it becomes the head of the free
/// list, so it is the next one reused.
pub fn remove(s: &mut InstructionSink, table: HandleTable, live: u32, idx: u32, addr: u32) {
    s.local_get(addr)
        .i32_const(FREE)
        .i32_store(mem(table.memory, KIND));
    s.local_get(addr)
        .global_get(table.next)
        .i32_store(mem(table.memory, TYPE));
    s.local_get(idx)
        .i32_const(1)
        .i32_sub()
        .global_set(table.next);
    s.global_get(live).i32_const(1).i32_sub().global_set(live);
}

/// What goes into a new slot's last field.
#[derive(Debug, Clone, Copy)]
pub enum Aux {
    /// A lend count of zero (own handles).
    Zero,
    /// The call scope held in this global (borrow handles).
    Frame(u32),
}

/// Allocates a handle of `kind` and table type `ty` for the rep in local
/// `rep`, leaving the handle on the stack. Local `n` is scratch. Traps when
/// the index space or the live-handle limit is exhausted, or the memory
/// cannot grow.
#[allow(clippy::too_many_arguments)]
pub fn insert(
    s: &mut InstructionSink,
    table: HandleTable,
    live: u32,
    kind: i32,
    ty: usize,
    rep: u32,
    aux: Aux,
    n: u32,
) {
    let m = table.memory;
    s.global_get(table.next)
        .local_tee(n)
        .i32_const((MAX_HANDLE - 1) as i32)
        .i32_ge_u();
    trap_if(s);
    s.global_get(live).i32_const(MAX_LIVE as i32).i32_ge_u();
    trap_if(s);
    // An empty free list: append a slot, growing the memory by a page
    // (4096 slots) when the last one is full.
    s.local_get(n)
        .global_get(table.len)
        .i32_eq()
        .if_(BlockType::Empty);
    s.local_get(n).i32_const(4095).i32_and().i32_eqz();
    s.if_(BlockType::Empty)
        .i32_const(1)
        .memory_grow(m)
        .i32_const(-1)
        .i32_eq();
    trap_if(s);
    s.end();
    s.local_get(n)
        .i32_const(4)
        .i32_shl()
        .local_get(n)
        .i32_const(1)
        .i32_add()
        .i32_store(mem(m, TYPE));
    s.global_get(table.len)
        .i32_const(1)
        .i32_add()
        .global_set(table.len);
    s.end();
    let addr = |s: &mut InstructionSink| {
        s.local_get(n).i32_const(4).i32_shl();
    };
    addr(s);
    s.i32_load(mem(m, TYPE)).global_set(table.next);
    addr(s);
    s.i32_const(kind).i32_store(mem(m, KIND));
    addr(s);
    s.i32_const(ty as i32).i32_store(mem(m, TYPE));
    addr(s);
    s.local_get(rep).i32_store(mem(m, REP));
    addr(s);
    match aux {
        Aux::Zero => s.i32_const(0),
        Aux::Frame(g) => s.global_get(g),
    };
    s.i32_store(mem(m, AUX));
    s.global_get(live).i32_const(1).i32_add().global_set(live);
    s.local_get(n).i32_const(1).i32_add();
}
