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
//! Handles anywhere in the flat parameters (records, tuples, options,
//! results, variants) and anywhere in the result (also in lists and in
//! results returned through the caller's memory) are converted with
//! `wrap::convert`'s walker. The translator rejects handles inside list
//! parameters (converting them would rewrite the caller's memory) and
//! parameters passed through memory.

use super::State;
use super::emit::{self, Aux, BORROW, OWN};
use crate::plan::{FuncType, ValType};
use crate::wrap::convert::{Convert, Walker};
use anyhow::Result;
use wasm_encoder::{Function, Instruction as I, InstructionSink, ValType as CoreType};

/// Placeholder calls the walker's callback leaves, replaced by the
/// conversion snippet numbered `index - SNIPPET` when encoding.
const SNIPPET: u32 = 0xF000_0000;

/// The converting wrapper of a host function of component type `ty` and
/// core type `core`, calling the fused module's import `import` (same core
/// type); `memory` is the fused index of the lowering's memory, if any.
pub fn host_call(
    state: &State,
    ty: &FuncType,
    core: &wasmparser::FuncType,
    import: u32,
    memory: Option<u32>,
) -> Result<Function> {
    let n = core.params().len() as u32;
    // locals: handle, slot address, rep, scratch, flat result
    let locals = Locals {
        handle: n,
        addr: n + 1,
        rep: n + 2,
        scratch: n + 3,
    };
    let result = n + 4;
    let mut snippets: Vec<Vec<u8>> = Vec::new();
    let mut w = Walker::new(n + 5);
    w.memory = memory.unwrap_or(0);
    {
        let mut lower = |t: &ValType, code: &mut Vec<I<'static>>| {
            code.push(I::Call(SNIPPET + snippets.len() as u32));
            snippets.push(snippet(state, t, false, locals));
        };
        let mut k = 0u32;
        for (_, p) in &ty.params {
            w.flat(p, k, &mut lower as &mut Convert)?;
            k += p.flat_len() as u32;
        }
    }
    w.code.extend((0..n).map(I::LocalGet));
    w.code.push(I::Call(import));
    if let Some(res) = ty.result.as_ref().filter(|t| t.has_handle()) {
        let mut lift = |t: &ValType, code: &mut Vec<I<'static>>| {
            code.push(I::Call(SNIPPET + snippets.len() as u32));
            snippets.push(snippet(state, t, true, locals));
        };
        if core.results().len() == 1 {
            w.code.push(I::LocalSet(result));
            w.flat(res, result, &mut lift as &mut Convert)?;
            w.code.push(I::LocalGet(result));
        } else {
            w.mem(res, n - 1, 0, &mut lift as &mut Convert)?;
        }
    }
    w.code.push(I::End);
    let mut f = Function::new([(5 + w.added, CoreType::I32)]);
    for i in &w.code {
        match i {
            I::Call(x) if *x >= SNIPPET => {
                f.raw(snippets[(*x - SNIPPET) as usize].iter().copied());
            }
            i => {
                f.instruction(i);
            }
        }
    }
    Ok(f)
}

/// Scratch locals of the conversion snippets.
#[derive(Clone, Copy)]
struct Locals {
    handle: u32,
    addr: u32,
    rep: u32,
    scratch: u32,
}

/// The conversion of the handle of type `ty` on top of the stack: a
/// parameter's handle to the rep, or (`result`) an own result's host handle
/// to a new own handle.
fn snippet(state: &State, ty: &ValType, result: bool, l: Locals) -> Vec<u8> {
    let mut bytes = Vec::new();
    let s = &mut InstructionSink::new(&mut bytes);
    let t = match ty {
        ValType::Own(t) | ValType::Borrow(t) => *t,
        _ => unreachable!("the walker converts handles only"),
    };
    let table = state.table(state.table_type(t).instance);
    if result {
        s.local_set(l.rep);
        emit::insert(s, table, state.live, OWN, t, l.rep, Aux::Zero, l.scratch);
        return bytes;
    }
    s.local_set(l.handle);
    emit::slot(s, table, l.handle, l.addr);
    emit::check_type(s, table, l.addr, t);
    if let ValType::Own(_) = ty {
        emit::load(s, table, l.addr, emit::KIND);
        s.i32_const(BORROW).i32_eq();
        emit::trap_if(s);
        emit::load(s, table, l.addr, emit::AUX);
        emit::trap_if(s);
        emit::load(s, table, l.addr, emit::REP);
        s.local_set(l.rep);
        emit::remove(s, table, state.live, l.handle, l.addr);
        s.local_get(l.rep);
    } else {
        emit::load(s, table, l.addr, emit::REP);
    }
    bytes
}
