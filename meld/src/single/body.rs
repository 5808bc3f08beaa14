//! Rewriting one function body: every access to memory `i` is rebased to
//! region `i` and checked against the region's current size; growth and
//! bulk instructions become calls to the helpers.
//!
//! An access at address `a` with static offset `o` touching `s` bytes
//! becomes, for region `i` (the operands above the address set aside in
//! scratch locals first, and put back after):
//!
//! ```text
//! local.tee $a
//! global.get $base_i  i32.add          ;; not for region 0 (its base is 0)
//! i32.const -1                         ;; atomics: local.get $a  i32.const 0xFFFF0000  i32.or
//! local.get $a  i64.extend_i32_u  i64.const o+s  i64.add
//! global.get $bytes_i  i64.le_u
//! select                               ;; base_i + a in bounds, else out of every bound
//! <the access, memory 0, offset o>
//! ```

use super::access::{Access, access};
use super::regions::{Layout, OUT_OF_BOUNDS, OUT_OF_BOUNDS_HIGH};
use super::scan;
use anyhow::{Result, anyhow, bail};
use std::collections::HashMap;
use std::convert::Infallible;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{Encode, Function, Instruction, ValType};
use wasmparser::{FunctionBody, Operator};

/// Re-encodes instructions with every memory index made 0, noting whether
/// an instruction named a memory.
#[derive(Default)]
struct MemoryZero {
    touched: bool,
}

impl Reencode for MemoryZero {
    type Error = Infallible;

    fn memory_index(
        &mut self,
        _memory: u32,
    ) -> Result<u32, wasm_encoder::reencode::Error<Infallible>> {
        self.touched = true;
        Ok(0)
    }
}

/// Scratch locals appended to one function, allocated on first use.
struct Scratch {
    next: u32,
    slots: Vec<(ValType, u32, u32)>,
}

impl Scratch {
    /// The `n`th scratch local of type `ty` (address: i32 slot `u32::MAX`).
    fn get(&mut self, ty: ValType, n: u32) -> u32 {
        if let Some((_, _, local)) = self.slots.iter().find(|(t, k, _)| *t == ty && *k == n) {
            return *local;
        }
        let local = self.next;
        self.next += 1;
        self.slots.push((ty, n, local));
        local
    }
}

/// The rewriter of one function's code.
struct Rewriter<'l> {
    layout: &'l Layout,
    scratch: Scratch,
    sink: Vec<u8>,
    reencoder: MemoryZero,
    /// The local the previous instruction pushed (`local.get`), if it did.
    last_get: Option<u32>,
    /// Accesses already checked in the current straight-line code: by
    /// (address local, memory), the furthest end checked. Regions never
    /// shrink, so a later load through the same, unchanged local ending no
    /// further is in bounds too and needs no check. Forgotten at every
    /// control instruction and when the local is set.
    checked: HashMap<(u32, u32), u64>,
}

impl Rewriter<'_> {
    fn emit(&mut self, instruction: Instruction<'_>) {
        instruction.encode(&mut self.sink);
    }

    fn reencode(&mut self, op: Operator<'_>) -> Result<bool> {
        self.reencoder.touched = false;
        let instruction = self
            .reencoder
            .instruction(op)
            .map_err(|e| anyhow!("--memory single: {e}"))?;
        self.emit(instruction);
        Ok(self.reencoder.touched)
    }

    /// One instruction of the input.
    fn op(&mut self, op: Operator<'_>) -> Result<()> {
        let previous = self.last_get.take();
        match op {
            Operator::LocalGet { local_index } => self.last_get = Some(local_index),
            Operator::LocalSet { local_index } | Operator::LocalTee { local_index } => {
                self.checked.retain(|(l, _), _| *l != local_index)
            }
            _ if is_control(&op) => self.checked.clear(),
            _ => {}
        }
        if let Some(helper) = scan::helper(&op)
            && let Some(index) = self.layout.helpers.get(&helper)
        {
            self.emit(Instruction::Call(*index));
            return Ok(());
        }
        if !self.layout.checked {
            self.reencode(op)?;
            return Ok(());
        }
        if let Operator::MemorySize { mem } = op {
            let global = self.layout.region(mem)?.pages_global;
            self.emit(Instruction::GlobalGet(global));
            return Ok(());
        }
        if let Some(access) = access(&op) {
            self.access(&access, previous)?;
            self.reencode(op)?;
            return Ok(());
        }
        let copy = op.clone();
        if self.reencode(op)? {
            bail!("--memory single: memory instruction `{copy:?}` is not supported");
        }
        Ok(())
    }

    /// The address fix-up before `access`; `previous`: the local whose
    /// value the previous instruction pushed.
    fn access(&mut self, access: &Access, previous: Option<u32>) -> Result<()> {
        let region = self.layout.region(access.memarg.memory)?;
        let (base_global, bytes_global) = (region.base_global, region.bytes_global);
        let rebase = access.memarg.memory != 0;
        let end = access.memarg.offset.saturating_add(access.size);
        // A load whose address is a local already checked this far.
        let through = previous.filter(|_| access.operands.is_empty() && !access.atomic);
        if let Some(local) = through {
            let key = (local, access.memarg.memory);
            if self.checked.get(&key).is_some_and(|e| *e >= end) {
                if rebase {
                    self.emit(Instruction::GlobalGet(base_global));
                    self.emit(Instruction::I32Add);
                }
                return Ok(());
            }
            let e = self.checked.entry(key).or_insert(end);
            *e = (*e).max(end);
        }
        let mut counts = [0u32; 5];
        let locals: Vec<u32> = (access.operands.iter())
            .map(|ty| {
                let slot = &mut counts[kind(*ty)];
                *slot += 1;
                self.scratch.get(*ty, *slot - 1)
            })
            .collect();
        for local in locals.iter().rev() {
            self.emit(Instruction::LocalSet(*local));
        }
        let address = self.scratch.get(ValType::I32, u32::MAX);
        self.emit(Instruction::LocalTee(address));
        if rebase {
            self.emit(Instruction::GlobalGet(base_global));
            self.emit(Instruction::I32Add);
        }
        if access.atomic {
            self.emit(Instruction::LocalGet(address));
            self.emit(Instruction::I32Const(OUT_OF_BOUNDS_HIGH));
            self.emit(Instruction::I32Or);
        } else {
            self.emit(Instruction::I32Const(OUT_OF_BOUNDS));
        }
        self.emit(Instruction::LocalGet(address));
        self.emit(Instruction::I64ExtendI32U);
        self.emit(Instruction::I64Const(end.min(i64::MAX as u64) as i64));
        self.emit(Instruction::I64Add);
        self.emit(Instruction::GlobalGet(bytes_global));
        self.emit(Instruction::I64LeU);
        self.emit(Instruction::Select);
        for local in locals {
            self.emit(Instruction::LocalGet(local));
        }
        Ok(())
    }
}

/// Whether `op` transfers control or marks where control joins (the end
/// of straight-line code for [`Rewriter::checked`]).
fn is_control(op: &Operator<'_>) -> bool {
    use Operator as O;
    matches!(
        op,
        O::Block { .. }
            | O::Loop { .. }
            | O::If { .. }
            | O::Else
            | O::End
            | O::Br { .. }
            | O::BrIf { .. }
            | O::BrTable { .. }
            | O::BrOnNull { .. }
            | O::BrOnNonNull { .. }
            | O::Return
            | O::Unreachable
            | O::TryTable { .. }
            | O::Throw { .. }
            | O::ThrowRef
            | O::Try { .. }
            | O::Catch { .. }
            | O::CatchAll
            | O::Delegate { .. }
            | O::Rethrow { .. }
    )
}

fn kind(ty: ValType) -> usize {
    match ty {
        ValType::I32 => 0,
        ValType::I64 => 1,
        ValType::F32 => 2,
        ValType::F64 => 3,
        _ => 4,
    }
}

/// The rewritten `body` of a function with `params` parameters, and where
/// each input instruction went: (its offset in the input module, its
/// offset in the new body, locals included).
pub fn rewrite(
    body: &FunctionBody<'_>,
    params: u32,
    layout: &Layout,
) -> Result<(Function, Vec<(usize, usize)>)> {
    let mut locals = Vec::new();
    let mut count = params;
    for pair in body.get_locals_reader()? {
        let (n, ty) = pair?;
        count = count
            .checked_add(n)
            .ok_or_else(|| anyhow!("--memory single: too many locals"))?;
        let ty = RoundtripReencoder
            .val_type(ty)
            .map_err(|e| anyhow!("--memory single: {e}"))?;
        locals.push((n, ty));
    }
    let mut rewriter = Rewriter {
        layout,
        scratch: Scratch {
            next: count,
            slots: Vec::new(),
        },
        sink: Vec::new(),
        reencoder: MemoryZero::default(),
        last_get: None,
        checked: HashMap::new(),
    };
    let mut ops = body.get_operators_reader()?;
    let mut points = Vec::new();
    while !ops.eof() {
        points.push((ops.original_position(), rewriter.sink.len()));
        rewriter.op(ops.read()?)?;
    }
    let mut slots = rewriter.scratch.slots;
    slots.sort_by_key(|(_, _, local)| *local);
    locals.extend(slots.iter().map(|(ty, _, _)| (1, *ty)));
    let mut function = Function::new(locals);
    let locals_len = function.byte_len();
    for point in &mut points {
        point.1 += locals_len;
    }
    function.raw(rewriter.sink);
    Ok((function, points))
}
