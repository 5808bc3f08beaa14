//! Code that converts every handle (and with [`Walker::reloc`] every
//! address) inside a component value in place:
//! handles in flattened locals (records, tuples, the payloads of variants,
//! options and results) and in linear memory (list elements, parameters
//! and results passed through memory), walking lists with a loop. The
//! runtime's host calls ([`crate::runtime::resources::host_call`]) and the
//! wrapper's boundary shims (`crate::wrap::shim`) both use it. What one
//! handle becomes is the caller's business: a callback emits the
//! conversion of the `i32` on top of the stack.
//!
//! Inside a variant's flattened payload a value sits in the variant's
//! joined flat types, not its own (`flatten_variant` and `join` in
//! <https://github.com/WebAssembly/component-model/blob/main/design/mvp/CanonicalABI.md>):
//! in `result<own<r>, u64>`, flattened to `i32 i64`, the handle is the
//! zero-extended low half of the `i64`. The walker follows each local's
//! actual core type down nested variants: an `i32` (a handle, a nested
//! discriminant, a list's pointer or length) is read from an `i64` local
//! with `i32.wrap_i64` (the high bits are ignored, as when lifting) and a
//! converted handle written back with `i64.extend_i32_u` (as when
//! lowering). An `i32` joins with `f32` into `i32` and with anything else
//! into `i64`, so it never sits in a float local. Values in memory keep
//! each case's own layout: there is nothing to join.
//!
//! The walker writes the encoded instructions straight into a function
//! body (a byte vector, through [`Walker::sink`]), and so does the
//! callback, with `wasm_encoder`'s [`InstructionSink`] like the rest of
//! the runtime's code. Wasm declares a function's locals before its body,
//! but the walker only knows how many locals it needed (for list cursors
//! and copies of widened values) once the walk is done, so the caller
//! emits the whole body first and declares the locals last:
//! [`Walker::finish`] builds the [`Function`] from the locals and the body's
//! bytes, which are the same bytes the instructions would encode to.

use super::flat;
use super::layout;
use crate::plan::ValType;
use wasm_encoder::{BlockType, Function, InstructionSink, MemArg, ValType as CoreType};

/// Emits the conversion of the handle (of type `Own` or `Borrow`) on top
/// of the stack, leaving the converted handle there.
pub type Convert<'a> = dyn FnMut(&ValType, &mut InstructionSink<'_>) + 'a;

/// A function body being emitted, and the `i32` locals the walks added.
pub struct Walker {
    /// The encoded instructions.
    code: Vec<u8>,
    next_local: u32,
    /// The number of `i32` locals added, numbered from the first local
    /// given to [`Walker::new`].
    pub added: u32,
    /// Whether the code reads or writes memory.
    pub uses_memory: bool,
    /// The memory values live in (0 unless set).
    pub memory: u32,
    /// Pointers to convert as well as handles (none unless set).
    pub reloc: Option<Reloc>,
}

/// Every string's and list's address the walk meets, in flattened locals
/// and in memory, is converted too: the base address held in global `base`
/// added (region-relative to absolute, `--memory single`'s boundary) or
/// subtracted (absolute to region-relative). A list's elements are walked
/// through its region-relative address: before the address is made
/// absolute, after it is made relative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reloc {
    /// The global holding the base address.
    pub base: u32,
    /// Whether the base is added (else subtracted).
    pub to_absolute: bool,
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
            reloc: None,
        }
    }

    /// Appends instructions of the caller's to the body.
    pub fn sink(&mut self) -> InstructionSink<'_> {
        InstructionSink::new(&mut self.code)
    }

    /// The function with the body emitted (which the caller ends with
    /// `end`) and the local declarations `locals`, which must declare
    /// [`Walker::added`] `i32` locals from the first one given to
    /// [`Walker::new`].
    pub fn finish<L>(self, locals: L) -> Function
    where
        L: IntoIterator<Item = (u32, CoreType), IntoIter: ExactSizeIterator>,
    {
        let mut f = Function::new(locals);
        f.raw(self.code);
        f
    }

    /// Whether the walk converts anything inside `ty`.
    fn wants(&self, ty: &ValType) -> bool {
        ty.has_handle() || (self.reloc.is_some() && ty.has_pointer())
    }

    /// Converts the address on top of the stack ([`Walker::reloc`]).
    fn rebase(&mut self) {
        let Some(r) = self.reloc else { return };
        let s = &mut self.sink();
        s.global_get(r.base);
        if r.to_absolute {
            s.i32_add()
        } else {
            s.i32_sub()
        };
    }

    /// Converts the address in `local`, of core type `slot`.
    fn rebase_local(&mut self, local: u32, slot: CoreType) {
        self.get_i32(local, slot);
        self.rebase();
        self.set_i32(local, slot);
    }

    /// Whether addresses are made relative (converted before a list's
    /// elements are walked through them).
    fn relative_first(&self) -> bool {
        self.reloc.is_some_and(|r| !r.to_absolute)
    }

    fn local(&mut self) -> u32 {
        self.next_local += 1;
        self.added += 1;
        self.next_local - 1
    }

    /// Converts the handles of a function's parameters as the core function
    /// receives them: flattened into its first locals, or (past
    /// [`flat::MAX_FLAT_PARAMS`] values) as a tuple in [`Walker::memory`] at
    /// the address in local 0.
    pub fn params(&mut self, params: &[(String, ValType)], conv: &mut Convert) {
        if flat::spilled(params) {
            let all = ValType::Tuple(params.iter().map(|(_, t)| t.clone()).collect());
            self.mem(&all, 0, 0, conv);
        } else {
            let mut first = 0;
            for (_, ty) in params {
                self.flat(ty, first, conv);
                first += ty.flat_len() as u32;
            }
        }
    }

    /// Converts the handles of `ty`, flattened into the locals from `first`
    /// (of `ty`'s own flat types, as parameters and results are).
    pub fn flat(&mut self, ty: &ValType, first: u32, conv: &mut Convert) {
        self.flat_in(ty, first, &flat::flat(ty), conv);
    }

    /// Converts the handles of `ty`, flattened into the locals from `first`
    /// whose actual core types are `slots`: `ty`'s own flat types, or
    /// inside a variant case the enclosing variant's joined ones.
    fn flat_in(&mut self, ty: &ValType, first: u32, slots: &[CoreType], conv: &mut Convert) {
        assert_eq!(slots.len(), ty.flat_len(), "one slot per flat value");
        if !self.wants(ty) {
            return;
        }
        match ty {
            ValType::Own(_) | ValType::Borrow(_) => {
                self.get_i32(first, slots[0]);
                conv(ty, &mut self.sink());
                self.set_i32(first, slots[0]);
            }
            ValType::Record(fs) => self.flat_fields(fs.iter().map(|(_, t)| t), first, slots, conv),
            ValType::Tuple(ts) => self.flat_fields(ts.iter(), first, slots, conv),
            ValType::String => self.rebase_local(first, slots[0]),
            ValType::List(t) => {
                let relative_first = self.relative_first();
                if relative_first {
                    self.rebase_local(first, slots[0]);
                }
                if self.wants(t) {
                    let ptr = self.i32_local(first, slots[0]);
                    let len = self.i32_local(first + 1, slots[1]);
                    self.list(t, ptr, len, conv);
                }
                if !relative_first {
                    self.rebase_local(first, slots[0]);
                }
            }
            _ => {
                let cases = layout::cases(ty).expect("only variant-likes are left");
                for (i, case) in cases.into_iter().enumerate() {
                    let Some(case) = case.filter(|c| self.wants(c)) else {
                        continue;
                    };
                    self.get_i32(first, slots[0]);
                    self.sink()
                        .i32_const(i as i32)
                        .i32_eq()
                        .if_(BlockType::Empty);
                    let payload = &slots[1..1 + case.flat_len()];
                    self.flat_in(case, first + 1, payload, conv);
                    self.sink().end();
                }
            }
        }
    }

    fn flat_fields<'a>(
        &mut self,
        tys: impl Iterator<Item = &'a ValType>,
        first: u32,
        slots: &[CoreType],
        conv: &mut Convert,
    ) {
        let mut at = 0;
        for t in tys {
            let n = t.flat_len();
            self.flat_in(t, first + at as u32, &slots[at..at + n], conv);
            at += n;
        }
    }

    /// Pushes the `i32` held in `local`, of core type `slot`.
    fn get_i32(&mut self, local: u32, slot: CoreType) {
        self.sink().local_get(local);
        if Self::wide(slot) {
            self.sink().i32_wrap_i64();
        }
    }

    /// Pops an `i32` into `local`, of core type `slot`.
    fn set_i32(&mut self, local: u32, slot: CoreType) {
        if Self::wide(slot) {
            self.sink().i64_extend_i32_u();
        }
        self.sink().local_set(local);
    }

    /// An `i32` local holding the `i32` in `local` of core type `slot`:
    /// `local` itself, or a copy when it is an `i64`.
    fn i32_local(&mut self, local: u32, slot: CoreType) -> u32 {
        if !Self::wide(slot) {
            return local;
        }
        let copy = self.local();
        self.get_i32(local, slot);
        self.sink().local_set(copy);
        copy
    }

    /// Whether an `i32` value sits in a slot of core type `slot` as the
    /// low half of an `i64` (else it is an `i32` slot).
    fn wide(slot: CoreType) -> bool {
        match slot {
            CoreType::I32 => false,
            CoreType::I64 => true,
            other => unreachable!("an i32 joins into i32 or i64, not {other:?}"),
        }
    }

    /// An access to [`Walker::memory`] at `offset`, aligned to `2^align`.
    fn at(&self, offset: u32, align: u32) -> MemArg {
        MemArg {
            offset: u64::from(offset),
            align,
            memory_index: self.memory,
        }
    }

    /// Converts the handles of the `ty` stored at address `addr` (a local)
    /// plus `offset` in [`Walker::memory`].
    pub fn mem(&mut self, ty: &ValType, addr: u32, offset: u32, conv: &mut Convert) {
        if !self.wants(ty) {
            return;
        }
        self.uses_memory = true;
        let word = self.at(offset, 2);
        match ty {
            ValType::Own(_) | ValType::Borrow(_) => {
                self.sink().local_get(addr).local_get(addr).i32_load(word);
                conv(ty, &mut self.sink());
                self.sink().i32_store(word);
            }
            ValType::Record(fs) => {
                let tys = || fs.iter().map(|(_, t)| t);
                for (t, o) in tys().zip(layout::fields(tys()).0) {
                    self.mem(t, addr, offset + o, conv);
                }
            }
            ValType::Tuple(ts) => {
                for (t, o) in ts.iter().zip(layout::fields(ts.iter()).0) {
                    self.mem(t, addr, offset + o, conv);
                }
            }
            ValType::String => {
                self.sink().local_get(addr).local_get(addr).i32_load(word);
                self.rebase();
                self.sink().i32_store(word);
            }
            ValType::List(t) => {
                let (ptr, len) = (self.local(), self.local());
                let second = self.at(offset + 4, 2);
                self.sink().local_get(addr).i32_load(word);
                let relative_first = self.relative_first();
                if relative_first {
                    self.rebase();
                    self.sink()
                        .local_set(ptr)
                        .local_get(addr)
                        .local_get(ptr)
                        .i32_store(word);
                } else {
                    self.sink().local_set(ptr);
                }
                self.sink().local_get(addr).i32_load(second).local_set(len);
                if self.wants(t) {
                    self.list(t, ptr, len, conv);
                }
                if !relative_first && self.reloc.is_some() {
                    self.sink().local_get(addr).local_get(ptr);
                    self.rebase();
                    self.sink().i32_store(word);
                }
            }
            _ => {
                let cases = layout::cases(ty).expect("only variant-likes are left");
                let (payload, _) = layout::payload(&cases);
                let disc = layout::disc_size(cases.len());
                let (byte, half) = (self.at(offset, 0), self.at(offset, 1));
                for (i, case) in cases.into_iter().enumerate() {
                    let Some(case) = case.filter(|c| self.wants(c)) else {
                        continue;
                    };
                    let s = &mut self.sink();
                    s.local_get(addr);
                    match disc {
                        1 => s.i32_load8_u(byte),
                        2 => s.i32_load16_u(half),
                        _ => s.i32_load(word),
                    };
                    s.i32_const(i as i32).i32_eq().if_(BlockType::Empty);
                    self.mem(case, addr, offset + payload, conv);
                    self.sink().end();
                }
            }
        }
    }

    /// Converts the handles of every element of the list at `ptr` (a
    /// local) with `len` (a local) elements; neither local is changed.
    fn list(&mut self, elem: &ValType, ptr: u32, len: u32, conv: &mut Convert) {
        self.uses_memory = true;
        let size = layout::size_align(elem).0 as i32;
        let (p, n) = (self.local(), self.local());
        self.sink()
            .local_get(ptr)
            .local_set(p)
            .local_get(len)
            .local_set(n)
            .block(BlockType::Empty)
            .loop_(BlockType::Empty)
            .local_get(n)
            .i32_eqz()
            .br_if(1);
        self.mem(elem, p, 0, conv);
        self.sink()
            .local_get(p)
            .i32_const(size)
            .i32_add()
            .local_set(p)
            .local_get(n)
            .i32_const(1)
            .i32_sub()
            .local_set(n)
            .br(0)
            .end()
            .end();
    }
}
