//! The component model's runtime pieces that adapters call, emitted as wasm
//! inside the fused module.
//!
//! - **Flags**: one mutable `i32` global per component instance holding its
//!   `may_leave` flag (1 initially), read and written only by the adapters
//!   (wasmtime 48 keeps nothing else in the flags word without async).
//! - **Trap**: the adapters' trap intrinsic; the trap code argument is
//!   ignored and the function executes `unreachable`.
//! - **Transcoders**: see [`transcode`].
//! - **Resources**: handle tables, call scopes and the resource intrinsics,
//!   see [`resources`].
//!
//! Async, streams, futures, error-context, GC and threads are rejected earlier, in [`crate::translate`], by
//! name.

pub mod resources;
pub mod transcode;

use crate::plan::Intrinsic;
use anyhow::{Result, bail};
use wasm_encoder::{ConstExpr, Function, GlobalType, Instruction, ValType};

/// The type and initial value of a component instance's flags global.
pub fn flags_global() -> (GlobalType, ConstExpr) {
    (
        GlobalType {
            val_type: ValType::I32,
            mutable: true,
            shared: false,
        },
        ConstExpr::i32_const(1),
    )
}

/// What intrinsic bodies need to know about the fused module.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Plan memory index → fused memory index.
    pub memories: &'a [u32],
    /// Where the resource machinery lives.
    pub resources: &'a resources::State,
}

/// The body of `intrinsic`, whose core type (taken from the importing
/// adapter module) is `ty`.
pub fn intrinsic(
    intrinsic: &Intrinsic,
    ty: &wasmparser::FuncType,
    cx: Context,
) -> Result<Function> {
    let memories = cx.memories;
    let state = cx.resources;
    match intrinsic {
        Intrinsic::Trap => {
            let mut f = Function::new([]);
            f.instruction(&Instruction::Unreachable);
            f.instruction(&Instruction::End);
            Ok(f)
        }
        Intrinsic::HostImport(_) | Intrinsic::HostResourceDrop(_) => {
            bail!("{intrinsic:?} has no body: it is an import")
        }
        Intrinsic::HostCall { .. } => {
            bail!("{intrinsic:?} is emitted by `merge` (it calls an import)")
        }
        Intrinsic::Transcode { op, from, to } => {
            transcode::transcoder(*op, memories[*from], memories[*to], ty)
        }
        Intrinsic::ResourceNew { instance, table } => {
            Ok(resources::resource_new(state, *instance, *table))
        }
        Intrinsic::ResourceRep { table, .. } => Ok(resources::resource_rep(state, *table)),
        Intrinsic::ResourceDrop { instance, table } => {
            Ok(resources::resource_drop(state, *instance, *table))
        }
        // Every call site is specialised (see `crate::merge`), so the
        // generic import is never called.
        Intrinsic::ResourceTransferOwn | Intrinsic::ResourceTransferBorrow => {
            let mut f = Function::new([]);
            f.instruction(&Instruction::Unreachable);
            f.instruction(&Instruction::End);
            Ok(f)
        }
        Intrinsic::EnterSyncCall => Ok(resources::enter_sync_call(state)),
        Intrinsic::ExitSyncCall => Ok(resources::exit_sync_call(state)),
    }
}
