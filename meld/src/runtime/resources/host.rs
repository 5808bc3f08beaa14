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
//! Handles anywhere in the parameters and the result are converted with
//! the [`crate::abi::walk`] walker: in flat parameters (records, tuples, options,
//! results, variants), in list elements, in parameters passed through
//! memory (more than 16 flat values), and in results (also in lists and in
//! results returned through the caller's memory).
//!
//! A parameter handle in the caller's memory is converted in place, so
//! the host reads reps where the caller wrote handles; the original handles
//! are saved on the call scope stack (8-byte entries above `sp`, so calls
//! the host makes into the guest, e.g. `realloc`, stack above them) and
//! written back after the call, leaving the caller's memory as it was. The
//! caller cannot observe the difference: the call is synchronous and the
//! only guest code that runs during it is `realloc`, which does not read
//! the arguments.

use super::emit::{self, Aux, BORROW, OWN};
use super::scope;
use super::state::State;
use crate::abi::{Walker, flat, walk::Reloc};
use crate::plan::{FuncType, ValType};
use anyhow::{Result, bail};
use wasm_encoder::{Function, InstructionSink, ValType as CoreType};

/// The converting wrapper of a host function of component type `ty` and
/// core type `core`, calling the fused module's import `import` (same core
/// type); `memory` is the fused index of the lowering's memory, if any.
///
/// With `single` (`--memory single`) every address crossing is converted
/// too: the caller's addresses in the parameters are made absolute for the
/// host (in place in the caller's memory, made relative again after the
/// call), and the host's in the result made relative (see
/// [`crate::abi::walk::Reloc`]); the realloc selector says, while the host
/// runs, whose realloc the host's allocations go to.
pub fn host_call(
    state: &State,
    ty: &FuncType,
    core: &wasmparser::FuncType,
    import: u32,
    memory: Option<u32>,
    single: Option<SingleCall>,
) -> Result<Function> {
    let base = single.map(|s| s.base);
    let n = core.params().len() as u32;
    let locals = Locals {
        handle: n,
        addr: n + 1,
        rep: n + 2,
        scratch: n + 3,
    };
    // More locals: the save area's base, the restore cursor, the flat
    // result, the realloc selector's value before the call.
    let (save_base, cursor, result, selected) = (n + 4, n + 5, n + 6, n + 7);
    let to = |to_absolute| base.map(|base| Reloc { base, to_absolute });

    // Whether parameter handles sit in the caller's memory (and must be
    // saved and restored), and whether anything in memory is converted.
    let mut probe = Walker::new(0);
    probe.params(&ty.params, &mut |_: &ValType, _: &mut InstructionSink| {});
    let save = probe.uses_memory;
    let mut probe = Walker::new(0);
    probe.reloc = to(true);
    probe.params(&ty.params, &mut |_: &ValType, _: &mut InstructionSink| {});
    let restore = probe.uses_memory;
    if restore && memory.is_none() {
        bail!("handles or addresses in memory without a `memory` option");
    }

    let mut w = Walker::new(n + 8);
    w.memory = memory.unwrap_or(0);
    w.reloc = to(true);
    if save {
        w.sink().global_get(state.sp).local_set(save_base);
    }
    let mut lower = |t: &ValType, s: &mut InstructionSink| {
        snippet(s, state, t, Snippet::Param { save }, locals);
    };
    w.params(&ty.params, &mut lower);
    let spilled = flat::spilled(&ty.params);
    let retptr = core.results().is_empty() && ty.result.as_ref().is_some_and(|r| r.flat_len() > 0);
    for i in 0..n {
        w.sink().local_get(i);
        // The addresses of the parameters and of the result in memory.
        if let Some(b) = base.filter(|_| (i == 0 && spilled) || (i == n - 1 && retptr)) {
            w.sink().global_get(b).i32_add();
        }
    }
    let select = single.and_then(|s| s.realloc);
    if let Some((global, value)) = select {
        let s = &mut w.sink();
        s.global_get(global).local_set(selected);
        s.i32_const(value as i32).global_set(global);
    }
    w.sink().call(import);
    if let Some((global, _)) = select {
        w.sink().local_get(selected).global_set(global);
    }
    w.reloc = to(false);
    if restore {
        // Each handle, in the same order: drop the rep, put back the handle.
        let mut put_back = |_: &ValType, s: &mut InstructionSink| {
            if save {
                s.drop()
                    .local_get(cursor)
                    .i32_load(emit::mem(state.scopes, 0))
                    .local_get(cursor)
                    .i32_const(8)
                    .i32_add()
                    .local_set(cursor);
            }
        };
        w.sink().local_get(save_base).local_set(cursor);
        w.params(&ty.params, &mut put_back);
        if save {
            w.sink().local_get(save_base).global_set(state.sp);
        }
    }
    let converted = |t: &ValType| t.has_handle() || (base.is_some() && t.has_pointer());
    if let Some(res) = ty.result.as_ref().filter(|t| converted(t)) {
        let mut lift = |t: &ValType, s: &mut InstructionSink| {
            snippet(s, state, t, Snippet::Result, locals);
        };
        if core.results().len() == 1 {
            w.sink().local_set(result);
            w.flat(res, result, &mut lift);
            w.sink().local_get(result);
        } else {
            w.mem(res, n - 1, 0, &mut lift);
        }
    }
    w.sink().end();
    let locals = [(8 + w.added, CoreType::I32)];
    Ok(w.finish(locals))
}

/// What a host call converts under `--memory single`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SingleCall {
    /// The global holding the base of the caller's memory's region.
    pub base: u32,
    /// The realloc selector global and the value naming the caller's
    /// realloc, when the host allocates results.
    pub realloc: Option<(u32, u32)>,
}

/// What a conversion snippet converts.
#[derive(Clone, Copy)]
enum Snippet {
    /// A parameter's handle to its rep; `save` pushes the handle on the
    /// save area first.
    Param { save: bool },
    /// An own result's host handle to a new own handle.
    Result,
}

/// Scratch locals of the conversion snippets.
#[derive(Clone, Copy)]
struct Locals {
    handle: u32,
    addr: u32,
    rep: u32,
    scratch: u32,
}

/// Emits the conversion of the handle of type `ty` on top of the stack.
fn snippet(s: &mut InstructionSink, state: &State, ty: &ValType, what: Snippet, l: Locals) {
    let t = match ty {
        ValType::Own(t) | ValType::Borrow(t) => *t,
        _ => unreachable!("the walker converts handles only"),
    };
    let table = state.table(state.table_type(t).instance);
    let save = match what {
        Snippet::Result => {
            s.local_set(l.rep);
            emit::insert(s, table, state.live, OWN, t, l.rep, Aux::Zero, l.scratch);
            return;
        }
        Snippet::Param { save } => save,
    };
    s.local_set(l.handle);
    if save {
        scope::push(
            s,
            state,
            |s| {
                s.local_get(l.handle);
            },
            |s| {
                s.i32_const(0);
            },
        );
    }
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
}
