//! The adapters' handle transfer call sites, found by scanning their code.
//!
//! A neutral module: [`crate::translate`] uses it to mark the resource table
//! types the adapters use, [`crate::merge`] to specialise each call site.
//!
//! The generated adapters call the `ResourceTransferOwn` /
//! `ResourceTransferBorrow` imports as `i32.const <src>; i32.const <dst>;
//! call $transfer` with the source and destination resource table types as
//! constants. When an adapter is copied, each such triple becomes one call
//! to a fused function made for that (kind, source, destination) by
//! `crate::runtime::resources::transfer`, so the table, the expected
//! type and the lending rules are fixed in the code. A transfer call whose
//! table types are not constants is an error.

use crate::plan::{Def, Intrinsic, Plan};
use anyhow::{Result, bail};
use wasmparser::{FunctionBody, Operator};

/// Whether a transfer moves an own handle or lends a borrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TransferKind {
    /// `own<T>`: the handle moves to the destination table.
    Own,
    /// `borrow<T>`: the handle is lent (or passed on) for the call.
    Borrow,
}

/// One specialised transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Transfer {
    /// Own or borrow.
    pub kind: TransferKind,
    /// The source resource table type.
    pub src: usize,
    /// The destination resource table type.
    pub dst: usize,
}

/// An operator of an adapter body, with transfer calls recognised.
pub enum Op<'a> {
    /// Any other operator, copied as it is.
    Plain(Operator<'a>),
    /// `i32.const src; i32.const dst; call $transfer`.
    Transfer(Transfer),
}

/// The operators of `body`; `imports` are the module's function indices
/// that are transfer imports, with their kind.
pub fn ops<'a>(body: &FunctionBody<'a>, imports: &[(u32, TransferKind)]) -> Result<Vec<Op<'a>>> {
    let mut out = Vec::new();
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        let op = reader.read()?;
        let kind = match &op {
            Operator::Call { function_index } => imports
                .iter()
                .find(|(f, _)| f == function_index)
                .map(|(_, k)| *k),
            _ => None,
        };
        let Some(kind) = kind else {
            out.push(Op::Plain(op));
            continue;
        };
        let dst = out.pop();
        let src = out.pop();
        match (src, dst) {
            (
                Some(Op::Plain(Operator::I32Const { value: src })),
                Some(Op::Plain(Operator::I32Const { value: dst })),
            ) => out.push(Op::Transfer(Transfer {
                kind,
                src: src as u32 as usize,
                dst: dst as u32 as usize,
            })),
            _ => bail!("an adapter calls a resource transfer without constant table types"),
        }
    }
    Ok(out)
}

/// The distinct transfers called in the code of module `bytes`.
pub fn call_sites(bytes: &[u8], imports: &[(u32, TransferKind)]) -> Result<Vec<Transfer>> {
    let mut out = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload? {
            for op in ops(&body, imports)? {
                if let Op::Transfer(t) = op
                    && !out.contains(&t)
                {
                    out.push(t);
                }
            }
        }
    }
    Ok(out)
}

/// The distinct transfers core instance `instance` of `plan` calls (only
/// adapter instances call any).
pub fn of_instance(plan: &Plan, instance: usize) -> Result<Vec<Transfer>> {
    let inst = &plan.instances[instance];
    let bytes = &plan.modules[inst.module].bytes;
    let mut imports = Vec::new();
    let mut func = 0u32;
    let mut args = inst.args.iter();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        if let wasmparser::Payload::ImportSection(r) = payload? {
            for import in r.into_imports() {
                let import = import?;
                let arg = args.next();
                if !matches!(import.ty, wasmparser::TypeRef::Func(_)) {
                    continue;
                }
                let kind = match arg {
                    Some(Def::Intrinsic(k)) => match plan.intrinsics.get(*k) {
                        Some(Intrinsic::ResourceTransferOwn) => Some(TransferKind::Own),
                        Some(Intrinsic::ResourceTransferBorrow) => Some(TransferKind::Borrow),
                        _ => None,
                    },
                    _ => None,
                };
                if let Some(kind) = kind {
                    imports.push((func, kind));
                }
                func += 1;
            }
        }
    }
    if imports.is_empty() {
        return Ok(Vec::new());
    }
    call_sites(bytes, &imports)
}
