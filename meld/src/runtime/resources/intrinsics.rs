//! `resource.new`, `resource.rep`, `resource.drop` and the adapters'
//! handle transfers, each emitted for one table type (and, for transfers,
//! one source and one destination table type): the table, the expected
//! type, the destructor and the lending rules are constants in the code.

use super::emit::{self, Aux, BORROW, OWN};
use super::scope;
use super::state::State;
use crate::transfers::TransferKind;
use wasm_encoder::{BlockType, Function, ValType};

/// `resource.new` for table type `table`, called by component instance
/// `caller`: `(rep) -> handle`.
pub fn resource_new(state: &State, caller: u32, table: usize) -> Function {
    let ty = state.table_type(table);
    let t = state.table(ty.instance);
    let mut f = Function::new([(1, ValType::I32)]);
    let s = &mut f.instructions();
    emit::check_may_leave(s, caller);
    emit::insert(s, t, state.live, OWN, table, 0, Aux::Zero, 1);
    s.end();
    f
}

/// `resource.rep` for table type `table`: `(handle) -> rep`. Own and
/// borrow handles both answer.
pub fn resource_rep(state: &State, table: usize) -> Function {
    let ty = state.table_type(table);
    let t = state.table(ty.instance);
    let mut f = Function::new([(1, ValType::I32)]);
    let s = &mut f.instructions();
    emit::slot(s, t, 0, 1);
    emit::check_type(s, t, 1, table);
    emit::load(s, t, 1, emit::REP);
    s.end();
    f
}

/// `resource.drop` for table type `table`, called by component instance
/// `caller`: `(handle) -> ()`. A borrow is released from its call scope; an
/// own handle must not be lent, and its destructor (if any) runs with the
/// rep, after the `may_leave` check of the table's instance when that is
/// not the definer (wasmtime 48's `ResourceDrop` trampoline).
pub fn resource_drop(state: &State, caller: u32, table: usize) -> Function {
    let ty = state.table_type(table);
    let t = state.table(ty.instance);
    // locals: 0 handle, 1 slot address, 2 rep / scope
    let mut f = Function::new([(2, ValType::I32)]);
    let s = &mut f.instructions();
    emit::check_may_leave(s, caller);
    emit::slot(s, t, 0, 1);
    emit::check_type(s, t, 1, table);
    emit::load(s, t, 1, emit::KIND);
    s.i32_const(OWN).i32_eq().if_(BlockType::Empty);
    {
        emit::load(s, t, 1, emit::AUX); // lend count
        emit::trap_if(s);
        emit::load(s, t, 1, emit::REP);
        s.local_set(2);
        emit::remove(s, t, state.live, 0, 1);
        let definer = state.definers[ty.resource];
        if definer != Some(ty.instance) {
            emit::check_may_leave(s, ty.instance);
        }
        if let Some(dtor) = state.dtors[ty.resource] {
            s.local_get(2).call(dtor);
        }
    }
    s.else_();
    {
        emit::load(s, t, 1, emit::AUX);
        s.local_set(2);
        emit::remove(s, t, state.live, 0, 1);
        scope::add_borrows(s, state, 2, -1);
    }
    s.end();
    s.end();
    f
}

/// A transfer from table type `src` to `dst`: `(handle) -> handle` (or the
/// rep, for a borrow whose destination defines the resource).
///
/// Own: the source handle must be an unlent own handle; it is removed and a
/// new own handle is added to the destination table. Borrow: an own source
/// handle is lent (lend count + 1, released when the current call scope
/// exits); a borrow source is passed on; the destination receives the rep
/// itself if its instance defines the resource, else a new borrow handle
/// counted in the current call scope.
pub fn transfer(state: &State, kind: TransferKind, src: usize, dst: usize) -> Function {
    let src_ty = state.table_type(src);
    let dst_ty = state.table_type(dst);
    let st = state.table(src_ty.instance);
    let dt = state.table(dst_ty.instance);
    // locals: 0 handle, 1 slot address, 2 rep, 3 scratch
    let mut f = Function::new([(3, ValType::I32)]);
    let s = &mut f.instructions();
    emit::slot(s, st, 0, 1);
    emit::check_type(s, st, 1, src);
    emit::load(s, st, 1, emit::REP);
    s.local_set(2);
    match kind {
        TransferKind::Own => {
            emit::load(s, st, 1, emit::KIND);
            s.i32_const(BORROW).i32_eq();
            emit::trap_if(s);
            emit::load(s, st, 1, emit::AUX);
            emit::trap_if(s);
            emit::remove(s, st, state.live, 0, 1);
            emit::insert(s, dt, state.live, OWN, dst, 2, Aux::Zero, 3);
        }
        TransferKind::Borrow => {
            emit::load(s, st, 1, emit::KIND);
            s.i32_const(OWN).i32_eq().if_(BlockType::Empty);
            {
                emit::load(s, st, 1, emit::AUX);
                s.i32_const(-1).i32_eq();
                emit::trap_if(s);
                s.global_get(state.live)
                    .i32_const(super::state::MAX_LIVE as i32)
                    .i32_ge_u();
                emit::trap_if(s);
                s.global_get(state.live)
                    .i32_const(1)
                    .i32_add()
                    .global_set(state.live);
                s.local_get(1);
                emit::load(s, st, 1, emit::AUX);
                s.i32_const(1)
                    .i32_add()
                    .i32_store(emit::mem(st.memory, emit::AUX));
                scope::push_lender(s, state, src_ty.instance, 0);
            }
            s.end();
            if state.definers[dst_ty.resource] == Some(dst_ty.instance) {
                s.local_get(2);
            } else {
                s.global_get(state.frame).local_set(3);
                scope::add_borrows(s, state, 3, 1);
                emit::insert(
                    s,
                    dt,
                    state.live,
                    BORROW,
                    dst,
                    2,
                    Aux::Frame(state.frame),
                    3,
                );
            }
        }
    }
    s.end();
    f
}
