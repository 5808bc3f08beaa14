//! Code that converts every handle inside a component value in place, for
//! the boundary shims ([`super::shim`]): handles in flattened locals
//! (records, tuples, the payloads of variants, options and results) and in
//! linear memory (list elements, results returned through memory), walking
//! lists with a loop. Also used for host calls passing handles of host
//! resources ([`crate::runtime::resources::host_call`]). What one handle becomes is the caller's business: a
//! callback emits the conversion of the `i32` on top of the stack.
//!
//! Restriction: a handle in a variant's flattened payload must sit where
//! the joined flat type is `i32` with the same flat types for the whole
//! case (e.g. not `result<own<r>, u64>`); otherwise it is an error.

use super::abi;
use crate::plan::ValType;
use anyhow::{Result, bail};
use wasm_encoder::{BlockType, Instruction as I, MemArg};

/// Emits the conversion of the handle (of type `Own` or `Borrow`) on top
/// of the stack, leaving the converted handle there.
pub type Convert<'a> = dyn FnMut(&ValType, &mut Vec<I<'static>>) + 'a;

/// The code emitted so far and the `i32` locals it added.
pub struct Walker {
    /// The instructions.
    pub code: Vec<I<'static>>,
    next_local: u32,
    /// The number of `i32` locals added, numbered from the first local
    /// given to [`Walker::new`].
    pub added: u32,
    /// Whether the code reads or writes memory.
    pub uses_memory: bool,
    /// The memory values live in (0 unless set).
    pub memory: u32,
}

impl Walker {
    /// A walker whose added locals start at `first_local`.
    pub fn new(first_local: u32) -> Self {
        Walker {
            code: Vec::new(),
            next_local: first_local,
            added: 0,
            uses_memory: false,
            memory: 0,
        }
    }

    fn local(&mut self) -> u32 {
        self.next_local += 1;
        self.added += 1;
        self.next_local - 1
    }

    /// Converts the handles of `ty`, flattened into the locals from `first`.
    pub fn flat(&mut self, ty: &ValType, first: u32, conv: &mut Convert) -> Result<()> {
        if !ty.has_handle() {
            return Ok(());
        }
        match ty {
            ValType::Own(_) | ValType::Borrow(_) => {
                self.code.push(I::LocalGet(first));
                conv(ty, &mut self.code);
                self.code.push(I::LocalSet(first));
            }
            ValType::Record(fs) => self.flat_fields(fs.iter().map(|(_, t)| t), first, conv)?,
            ValType::Tuple(ts) => self.flat_fields(ts.iter(), first, conv)?,
            ValType::List(t) => self.list(t, first, first + 1, conv)?,
            _ => {
                let joined = abi::flat(ty);
                let cases = abi::cases(ty).expect("only variant-likes are left");
                for (i, case) in cases.into_iter().enumerate() {
                    let Some(case) = case.filter(|c| c.has_handle()) else {
                        continue;
                    };
                    let own = abi::flat(case);
                    if joined[1..1 + own.len()] != own[..] {
                        bail!(
                            "a handle in a variant case whose flat types are joined with another case's (not supported yet)"
                        );
                    }
                    self.code.extend([
                        I::LocalGet(first),
                        I::I32Const(i as i32),
                        I::I32Eq,
                        I::If(BlockType::Empty),
                    ]);
                    self.flat(case, first + 1, conv)?;
                    self.code.push(I::End);
                }
            }
        }
        Ok(())
    }

    fn flat_fields<'a>(
        &mut self,
        tys: impl Iterator<Item = &'a ValType>,
        first: u32,
        conv: &mut Convert,
    ) -> Result<()> {
        let mut at = first;
        for t in tys {
            self.flat(t, at, conv)?;
            at += t.flat_len() as u32;
        }
        Ok(())
    }

    /// Converts the handles of the `ty` stored at address `addr` (a local)
    /// plus `offset` in [`Walker::memory`].
    pub fn mem(&mut self, ty: &ValType, addr: u32, offset: u32, conv: &mut Convert) -> Result<()> {
        if !ty.has_handle() {
            return Ok(());
        }
        self.uses_memory = true;
        let memory_index = self.memory;
        let at = |offset: u32, align: u32| MemArg {
            offset: u64::from(offset),
            align,
            memory_index,
        };
        match ty {
            ValType::Own(_) | ValType::Borrow(_) => {
                self.code.extend([
                    I::LocalGet(addr),
                    I::LocalGet(addr),
                    I::I32Load(at(offset, 2)),
                ]);
                conv(ty, &mut self.code);
                self.code.push(I::I32Store(at(offset, 2)));
            }
            ValType::Record(fs) => {
                let tys = || fs.iter().map(|(_, t)| t);
                for (t, o) in tys().zip(abi::fields(tys()).0) {
                    self.mem(t, addr, offset + o, conv)?;
                }
            }
            ValType::Tuple(ts) => {
                for (t, o) in ts.iter().zip(abi::fields(ts.iter()).0) {
                    self.mem(t, addr, offset + o, conv)?;
                }
            }
            ValType::List(t) => {
                let (ptr, len) = (self.local(), self.local());
                self.code.extend([
                    I::LocalGet(addr),
                    I::I32Load(at(offset, 2)),
                    I::LocalSet(ptr),
                    I::LocalGet(addr),
                    I::I32Load(at(offset + 4, 2)),
                    I::LocalSet(len),
                ]);
                self.list(t, ptr, len, conv)?;
            }
            _ => {
                let cases = abi::cases(ty).expect("only variant-likes are left");
                let (payload, _) = abi::payload(&cases);
                let load = match abi::disc_size(cases.len()) {
                    1 => I::I32Load8U(at(offset, 0)),
                    2 => I::I32Load16U(at(offset, 1)),
                    _ => I::I32Load(at(offset, 2)),
                };
                for (i, case) in cases.into_iter().enumerate() {
                    let Some(case) = case.filter(|c| c.has_handle()) else {
                        continue;
                    };
                    self.code.extend([
                        I::LocalGet(addr),
                        load.clone(),
                        I::I32Const(i as i32),
                        I::I32Eq,
                        I::If(BlockType::Empty),
                    ]);
                    self.mem(case, addr, offset + payload, conv)?;
                    self.code.push(I::End);
                }
            }
        }
        Ok(())
    }

    /// Converts the handles of every element of the list at `ptr` (a
    /// local) with `len` (a local) elements; neither local is changed.
    fn list(&mut self, elem: &ValType, ptr: u32, len: u32, conv: &mut Convert) -> Result<()> {
        self.uses_memory = true;
        let size = abi::size_align(elem).0 as i32;
        let (p, n) = (self.local(), self.local());
        self.code.extend([
            I::LocalGet(ptr),
            I::LocalSet(p),
            I::LocalGet(len),
            I::LocalSet(n),
            I::Block(BlockType::Empty),
            I::Loop(BlockType::Empty),
            I::LocalGet(n),
            I::I32Eqz,
            I::BrIf(1),
        ]);
        self.mem(elem, p, 0, conv)?;
        self.code.extend([
            I::LocalGet(p),
            I::I32Const(size),
            I::I32Add,
            I::LocalSet(p),
            I::LocalGet(n),
            I::I32Const(1),
            I::I32Sub,
            I::LocalSet(n),
            I::Br(0),
            I::End,
            I::End,
        ]);
        Ok(())
    }
}
