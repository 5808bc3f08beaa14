//! Where a boundary module ([`super::shim`]) keeps the wrapper's borrow
//! handles of host resources from the lowering walk until after the call,
//! when it drops them (`resource.drop` of the wrapper's imported type): the
//! wasmtime-managed borrows the wrapper received must all be dropped before
//! its lifted function returns.
//!
//! They cannot stay where the walk found them: a borrow inside a list, or in
//! parameters passed through memory, lives in the callee's memory, which the
//! callee may free or overwrite during the call, and a list's length is only
//! known at run time. So the boundary module defines its own memory, used
//! as a stack: bytes 0..4 hold the stack's height, entries of 8 bytes
//! (`handle`, resource) follow from byte 8. A call reads the height at
//! entry (`base`), pushes above it (growing the memory a page at a time as
//! needed), stores its height before calling the original, then drops its
//! entries and restores `base`, so a call re-entering the export during the
//! original's call (a host call) stacks its borrows above the outer call's.

use wasm_encoder::{BlockType, InstructionSink, MemArg, MemoryType};

/// Bytes before the first entry.
const HEADER: u64 = 8;
/// Bytes per entry: the handle and its (plan) resource.
const ENTRY: i32 = 8;

/// The saved borrows of one boundary function.
pub struct Saved {
    /// The stack's memory in the boundary module.
    memory: u32,
    /// Locals: the height at entry, the current height, a scratch `i32`.
    base: u32,
    top: u32,
    scratch: u32,
    /// The resources of the handles pushed, for the drops.
    resources: Vec<usize>,
}

impl Saved {
    /// Saved borrows in memory `memory` (defined by the boundary module,
    /// see [`Saved::memory_type`]), using the `i32` locals `base`, `top`
    /// and `scratch`.
    pub fn new(memory: u32, [base, top, scratch]: [u32; 3]) -> Self {
        Saved {
            memory,
            base,
            top,
            scratch,
            resources: Vec::new(),
        }
    }

    /// The stack's memory: one page to start with (the height lives there).
    pub fn memory_type() -> MemoryType {
        MemoryType {
            minimum: 1,
            maximum: None,
            memory64: false,
            shared: false,
            page_size_log2: None,
        }
    }

    /// Whether any borrow is saved (otherwise the stack is not needed).
    pub fn used(&self) -> bool {
        !self.resources.is_empty()
    }

    fn at(&self, offset: u64) -> MemArg {
        MemArg {
            offset,
            align: 2,
            memory_index: self.memory,
        }
    }

    /// Code at the function's entry: reads the stack's height.
    pub fn enter(&self, s: &mut InstructionSink) {
        s.i32_const(0)
            .i32_load(self.at(0))
            .local_tee(self.base)
            .local_set(self.top);
    }

    /// Code saving the wrapper's borrow handle (of plan resource
    /// `resource`) on top of the wasm stack, leaving it there.
    pub fn push(&mut self, resource: usize, s: &mut InstructionSink) {
        if !self.resources.contains(&resource) {
            self.resources.push(resource);
        }
        let (top, scratch) = (self.top, self.scratch);
        s.local_set(scratch)
            // Grow when the entry would pass the end of the memory.
            .local_get(top)
            .i32_const(HEADER as i32 + ENTRY)
            .i32_add()
            .memory_size(self.memory)
            .i32_const(16)
            .i32_shl()
            .i32_gt_u()
            .if_(BlockType::Empty)
            .i32_const(1)
            .memory_grow(self.memory)
            .i32_const(-1)
            .i32_eq()
            .if_(BlockType::Empty)
            .unreachable()
            .end()
            .end()
            .local_get(top)
            .local_get(scratch)
            .i32_store(self.at(HEADER))
            .local_get(top)
            .i32_const(resource as i32)
            .i32_store(self.at(HEADER + 4))
            .local_get(top)
            .i32_const(ENTRY)
            .i32_add()
            .local_set(top)
            .local_get(scratch);
    }

    /// Code before the call: stores the stack's height.
    pub fn publish(&self, s: &mut InstructionSink) {
        s.i32_const(0).local_get(self.top).i32_store(self.at(0));
    }

    /// Code after the call: drops every saved handle, the last saved first,
    /// with the function `drop(resource)` gives, and restores the height.
    pub fn release(&self, s: &mut InstructionSink, mut drop: impl FnMut(usize) -> u32) {
        let top = self.top;
        s.block(BlockType::Empty)
            .loop_(BlockType::Empty)
            .local_get(top)
            .local_get(self.base)
            .i32_le_u()
            .br_if(1)
            .local_get(top)
            .i32_const(ENTRY)
            .i32_sub()
            .local_set(top);
        let single = self.resources.len() == 1;
        for &r in &self.resources {
            if !single {
                s.local_get(top)
                    .i32_load(self.at(HEADER + 4))
                    .i32_const(r as i32)
                    .i32_eq()
                    .if_(BlockType::Empty);
            }
            s.local_get(top).i32_load(self.at(HEADER)).call(drop(r));
            if !single {
                s.end();
            }
        }
        s.br(0)
            .end()
            .end()
            .i32_const(0)
            .local_get(self.base)
            .i32_store(self.at(0));
    }
}
