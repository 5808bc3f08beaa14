//! Call scopes: the `EnterSyncCall` / `ExitSyncCall` intrinsics the
//! adapters call around a call that passes borrows, and the bookkeeping the
//! transfers do in the current scope (lenders, borrow counts).
//!
//! As in wasmtime 48 without async support, entering pushes a scope
//! (borrow count 0, no lenders) and exiting traps if the scope still has
//! borrows, then ends every lend made in it and pops it.

use super::emit::{self, mem};
use super::state::State;
use wasm_encoder::{BlockType, Function, InstructionSink, ValType};

/// Grows the scope stack's memory by a page when `sp` is at its end
/// (entries are 8 bytes and never straddle a page).
fn reserve(s: &mut InstructionSink, state: &State) {
    s.global_get(state.sp)
        .i32_const(16)
        .i32_shr_u()
        .memory_size(state.scopes)
        .i32_ge_u()
        .if_(BlockType::Empty)
        .i32_const(1)
        .memory_grow(state.scopes)
        .i32_const(-1)
        .i32_eq();
    emit::trap_if(s);
    s.end();
}

/// Pushes the 8-byte entry `[first, second]` (each emitted by a closure).
pub(super) fn push(
    s: &mut InstructionSink,
    state: &State,
    first: impl Fn(&mut InstructionSink),
    second: impl Fn(&mut InstructionSink),
) {
    reserve(s, state);
    s.global_get(state.sp);
    first(s);
    s.i32_store(mem(state.scopes, 0));
    s.global_get(state.sp);
    second(s);
    s.i32_store(mem(state.scopes, 4));
    s.global_get(state.sp)
        .i32_const(8)
        .i32_add()
        .global_set(state.sp);
}

/// `EnterSyncCall`: `(caller, callee-async, callee) -> ()`; opens a scope.
pub fn enter_sync_call(state: &State) -> Function {
    let mut f = Function::new([]);
    let s = &mut f.instructions();
    push(
        s,
        state,
        |s| {
            s.global_get(state.frame);
        },
        |s| {
            s.i32_const(0);
        },
    );
    s.global_get(state.sp)
        .i32_const(8)
        .i32_sub()
        .global_set(state.frame);
    s.end();
    f
}

/// `ExitSyncCall`: `() -> ()`; traps if the current scope holds borrows,
/// ends its lends and pops it.
pub fn exit_sync_call(state: &State) -> Function {
    // locals: 0 entry address, 1 instance, 2 slot address
    let mut f = Function::new([(3, ValType::I32)]);
    let s = &mut f.instructions();
    s.global_get(state.frame).i32_load(mem(state.scopes, 4));
    emit::trap_if(s);
    s.global_get(state.frame)
        .i32_const(8)
        .i32_add()
        .local_set(0);
    s.block(BlockType::Empty).loop_(BlockType::Empty);
    s.local_get(0).global_get(state.sp).i32_ge_u().br_if(1);
    s.local_get(0).i32_load(mem(state.scopes, 0)).local_set(1);
    s.local_get(0)
        .i32_load(mem(state.scopes, 4))
        .i32_const(1)
        .i32_sub()
        .i32_const(4)
        .i32_shl()
        .local_set(2);
    for (instance, table) in state.tables.iter().enumerate() {
        let Some(t) = table else { continue };
        s.local_get(1)
            .i32_const(instance as i32)
            .i32_eq()
            .if_(BlockType::Empty);
        s.local_get(2);
        emit::load(s, *t, 2, emit::AUX);
        s.i32_const(1)
            .i32_sub()
            .i32_store(mem(t.memory, emit::AUX))
            .end();
    }
    s.global_get(state.live)
        .i32_const(1)
        .i32_sub()
        .global_set(state.live);
    s.local_get(0).i32_const(8).i32_add().local_set(0).br(0);
    s.end().end();
    s.global_get(state.frame).global_set(state.sp);
    s.global_get(state.frame)
        .i32_load(mem(state.scopes, 0))
        .global_set(state.frame);
    s.end();
    f
}

/// Records in the current scope that the own handle in local `idx` of
/// component instance `instance`'s table was lent.
pub fn push_lender(s: &mut InstructionSink, state: &State, instance: u32, idx: u32) {
    push(
        s,
        state,
        |s| {
            s.i32_const(instance as i32);
        },
        |s| {
            s.local_get(idx);
        },
    );
}

/// Adds `delta` to the borrow count of the scope whose address is in local
/// `frame`.
pub fn add_borrows(s: &mut InstructionSink, state: &State, frame: u32, delta: i32) {
    s.local_get(frame)
        .local_get(frame)
        .i32_load(mem(state.scopes, 4))
        .i32_const(delta)
        .i32_add()
        .i32_store(mem(state.scopes, 4));
}
