//! Calls to host functions that pass handles of resources imported from the
//! host, as wasmtime 48 lowers them: each handle crossing to the host leaves
//! the caller's table as its rep, which is the host's handle; an own result
//! enters the caller's table with the host's handle as its rep.
//!
//! - an own parameter must be an unlent own handle of the expected type; it
//!   is removed from the caller's table;
//! - a borrow parameter (own or borrow handle of the expected type) passes
//!   its rep; the caller keeps the handle;
//! - an own result becomes a new own handle in the caller's table.
//!
//! Only handles at the top level of flat parameters and of the result are
//! converted; [`crate::translate`] rejects others.

use super::State;
use super::emit::{self, Aux, BORROW, OWN};
use crate::plan::{FuncType, ValType};
use wasm_encoder::{Function, ValType as CoreType};

/// The converting wrapper of a host function of component type `ty` and
/// core type `core`, calling the fused module's import `import` (same core
/// type).
pub fn host_call(
    state: &State,
    ty: &FuncType,
    core: &wasmparser::FuncType,
    import: u32,
) -> Function {
    let n = core.params().len() as u32;
    let (addr, rep, scratch) = (n, n + 1, n + 2);
    let mut f = Function::new([(3, CoreType::I32)]);
    let s = &mut f.instructions();
    let mut k = 0u32;
    for (_, p) in &ty.params {
        match p {
            ValType::Own(t) => {
                let table = state.table(state.table_type(*t).instance);
                emit::slot(s, table, k, addr);
                emit::check_type(s, table, addr, *t);
                emit::load(s, table, addr, emit::KIND);
                s.i32_const(BORROW).i32_eq();
                emit::trap_if(s);
                emit::load(s, table, addr, emit::AUX);
                emit::trap_if(s);
                emit::load(s, table, addr, emit::REP);
                s.local_set(rep);
                emit::remove(s, table, state.live, k, addr);
                s.local_get(rep).local_set(k);
            }
            ValType::Borrow(t) => {
                let table = state.table(state.table_type(*t).instance);
                emit::slot(s, table, k, addr);
                emit::check_type(s, table, addr, *t);
                emit::load(s, table, addr, emit::REP);
                s.local_set(k);
            }
            _ => {}
        }
        k += p.flat_len() as u32;
    }
    for i in 0..n {
        s.local_get(i);
    }
    s.call(import);
    if let Some(ValType::Own(t)) = &ty.result {
        let table = state.table(state.table_type(*t).instance);
        s.local_set(rep);
        emit::insert(s, table, state.live, OWN, *t, rep, Aux::Zero, scratch);
    }
    s.end();
    f
}
