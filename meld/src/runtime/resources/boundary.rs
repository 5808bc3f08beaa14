//! Functions the fused module exports for the outer boundary
//! (`--component`), where root exports take or return handles of resources
//! defined inside the composition.
//!
//! The wrapping component defines one resource type per root-exported
//! resource, whose rep is the defining instance's rep and whose destructor is
//! [`BoundaryFn::Dtor`]. Its boundary shims (see `crate::wrap`) convert
//! handles between the wrapper's canonical table and the table of the
//! component instance that lifted the root export, as the reference runtime
//! does between the host's table and that instance's:
//!
//! - an own result leaves the inner table ([`BoundaryFn::LiftOwn`], which
//!   traps on a lent own or a borrow) and enters the wrapper's table;
//! - an own parameter leaves the wrapper's table (its destructor suppressed
//!   through the exported `meld:suppress` global) and enters the inner one
//!   ([`BoundaryFn::LowerOwn`]);
//! - a borrow parameter is the rep itself when the inner instance defines the
//!   resource, else a borrow handle in a call scope opened around the call
//!   ([`BoundaryFn::LowerBorrow`], [`BoundaryFn::Enter`],
//!   [`BoundaryFn::Exit`]), which traps if the borrow is still held at the
//!   end.

use super::emit::{self, Aux, BORROW, OWN};
use super::scope;
use super::state::State;
use crate::plan::{Plan, ValType};
use wasm_encoder::{BlockType, Function, ValType as CoreType};

/// One exported boundary function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BoundaryFn {
    /// `(handle) -> rep`: removes an own handle of table type `.0`.
    LiftOwn(usize),
    /// `(rep) -> handle`: a new own handle of table type `.0`.
    LowerOwn(usize),
    /// `(rep) -> handle or rep`: a borrow of table type `.0` in the current
    /// call scope, or the rep when the table's instance defines the resource.
    LowerBorrow(usize),
    /// `() -> ()`: opens a call scope.
    Enter,
    /// `() -> ()`: closes the current call scope (traps on held borrows).
    Exit,
    /// `(rep) -> ()`: the destructor of resource `.0` as the wrapper's
    /// resource type sees it.
    Dtor(usize),
}

/// The name of the exported global that suppresses the next
/// [`BoundaryFn::Dtor`] call.
pub const SUPPRESS: &str = "meld:suppress";

impl BoundaryFn {
    /// The fused module's export name.
    pub fn export_name(&self) -> String {
        match self {
            BoundaryFn::LiftOwn(t) => format!("meld:lift-own{t}"),
            BoundaryFn::LowerOwn(t) => format!("meld:lower-own{t}"),
            BoundaryFn::LowerBorrow(t) => format!("meld:lower-borrow{t}"),
            BoundaryFn::Enter => "meld:enter".to_string(),
            BoundaryFn::Exit => "meld:exit".to_string(),
            BoundaryFn::Dtor(r) => format!("meld:dtor{r}"),
        }
    }

    /// Core parameter and result types.
    pub fn signature(&self) -> (Vec<CoreType>, Vec<CoreType>) {
        use CoreType::I32;
        match self {
            BoundaryFn::LiftOwn(_) | BoundaryFn::LowerOwn(_) | BoundaryFn::LowerBorrow(_) => {
                (vec![I32], vec![I32])
            }
            BoundaryFn::Enter | BoundaryFn::Exit => (vec![], vec![]),
            BoundaryFn::Dtor(_) => (vec![I32], vec![]),
        }
    }

    /// The function's body.
    pub fn body(&self, state: &State) -> Function {
        match *self {
            BoundaryFn::LiftOwn(t) => lift_own(state, t),
            BoundaryFn::LowerOwn(t) => {
                let table = state.table(state.table_type(t).instance);
                let mut f = Function::new([(1, CoreType::I32)]);
                let s = &mut f.instructions();
                emit::insert(s, table, state.live, OWN, t, 0, Aux::Zero, 1);
                s.end();
                f
            }
            BoundaryFn::LowerBorrow(t) => lower_borrow(state, t),
            BoundaryFn::Enter => scope::enter_sync_call(state),
            BoundaryFn::Exit => scope::exit_sync_call(state),
            BoundaryFn::Dtor(r) => {
                let mut f = Function::new([]);
                let s = &mut f.instructions();
                s.global_get(state.suppress).if_(BlockType::Empty);
                s.i32_const(0).global_set(state.suppress).return_().end();
                if let Some(dtor) = state.dtors[r] {
                    s.local_get(0).call(dtor);
                }
                s.end();
                f
            }
        }
    }
}

/// The boundary functions `plan`'s root exports and root-exported resources
/// need, in a fixed order: for every handle anywhere in a root export's
/// parameters and result.
pub fn needed(plan: &Plan) -> Vec<BoundaryFn> {
    let mut out = Vec::new();
    let mut add = |f: BoundaryFn| {
        if !out.contains(&f) {
            out.push(f);
        }
    };
    for (_, t) in &plan.resource_exports {
        if let Some(Some(table)) = plan.resource_tables.get(*t) {
            add(BoundaryFn::Dtor(table.resource));
        }
    }
    for e in &plan.exports {
        for (_, ty) in &e.ty.params {
            for h in ty.handles() {
                match h {
                    ValType::Own(t) => add(BoundaryFn::LowerOwn(*t)),
                    ValType::Borrow(t) => {
                        add(BoundaryFn::LowerBorrow(*t));
                        add(BoundaryFn::Enter);
                        add(BoundaryFn::Exit);
                    }
                    _ => {}
                }
            }
        }
        for h in e.ty.result.iter().flat_map(ValType::handles) {
            if let ValType::Own(t) = h {
                add(BoundaryFn::LiftOwn(*t));
            }
        }
    }
    out
}

fn lift_own(state: &State, t: usize) -> Function {
    let table = state.table(state.table_type(t).instance);
    // locals: 0 handle, 1 slot address, 2 rep
    let mut f = Function::new([(2, CoreType::I32)]);
    let s = &mut f.instructions();
    emit::slot(s, table, 0, 1);
    emit::check_type(s, table, 1, t);
    emit::load(s, table, 1, emit::KIND);
    s.i32_const(BORROW).i32_eq();
    emit::trap_if(s);
    emit::load(s, table, 1, emit::AUX);
    emit::trap_if(s);
    emit::load(s, table, 1, emit::REP);
    s.local_set(2);
    emit::remove(s, table, state.live, 0, 1);
    s.local_get(2).end();
    f
}

fn lower_borrow(state: &State, t: usize) -> Function {
    let ty = state.table_type(t);
    let table = state.table(ty.instance);
    // locals: 0 rep, 1 scope, 2 scratch
    let mut f = Function::new([(2, CoreType::I32)]);
    let s = &mut f.instructions();
    if state.definers[ty.resource] == Some(ty.instance) {
        s.local_get(0);
    } else {
        s.global_get(state.frame).local_set(1);
        scope::add_borrows(s, state, 1, 1);
        emit::insert(
            s,
            table,
            state.live,
            BORROW,
            t,
            0,
            Aux::Frame(state.frame),
            2,
        );
    }
    s.end();
    f
}
