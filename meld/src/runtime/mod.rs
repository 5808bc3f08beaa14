//! The component model's runtime pieces that adapters call, emitted as wasm
//! inside the fused module.
//!
//! - **Flags**: one mutable `i32` global per component instance holding its
//!   `may_leave` flag (1 initially), read and written only by the adapters
//!   (wasmtime 48 keeps nothing else in the flags word without async).
//! - **Trap**: the adapters' trap intrinsic; the trap code argument is
//!   ignored and the function executes `unreachable`.
//! - **Transcoders**: see [`transcode`].
//!
//! Resources, async, streams, futures, error-context, GC and threads are
//! rejected earlier, in [`crate::translate`], by name.

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

/// The body of `intrinsic`, whose core type (taken from the importing
/// adapter module) is `ty`. `memories` maps plan memory indices to fused
/// memory indices.
pub fn intrinsic(
    intrinsic: &Intrinsic,
    ty: &wasmparser::FuncType,
    memories: &[u32],
) -> Result<Function> {
    match intrinsic {
        Intrinsic::Trap => {
            let mut f = Function::new([]);
            f.instruction(&Instruction::Unreachable);
            f.instruction(&Instruction::End);
            Ok(f)
        }
        Intrinsic::HostImport(_) => bail!("host import {intrinsic:?} has no body: it is an import"),
        Intrinsic::Transcode { op, from, to } => {
            transcode::transcoder(*op, memories[*from], memories[*to], ty)
        }
    }
}
