//! Where the resource machinery lives in the fused module: the handle
//! tables' memories and globals, the call scope stack, the live-handle
//! counter (see the [parent module](super) for their layout), and the
//! limits the reference runtime enforces.

use crate::plan::{Plan, ResourceTable};
use wasm_encoder::{ConstExpr, GlobalType, MemoryType, ValType};

/// The largest handle plus one (the component model's limit, 2^28).
pub const MAX_HANDLE: u32 = 1 << 28;
/// Live handles and lends allowed at once (wasmtime 48's default store
/// limit).
pub const MAX_LIVE: u32 = 100_000;
/// Bytes per handle slot.
pub const SLOT_SIZE: u32 = 16;

/// Where one component instance's handle table lives in the fused module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandleTable {
    /// Its memory.
    pub memory: u32,
    /// Global: head of the free list (0-based slot index).
    pub next: u32,
    /// Global: slots in use or on the free list.
    pub len: u32,
}

/// Where the resource machinery lives in the fused module, and what it
/// needs to know about the plan's resources.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Per component instance: its handle table, if it has one.
    pub tables: Vec<Option<HandleTable>>,
    /// The call scope stack's memory.
    pub scopes: u32,
    /// Global: the first free byte of the scope stack.
    pub sp: u32,
    /// Global: the address of the current call scope.
    pub frame: u32,
    /// Global: live handles and lends.
    pub live: u32,
    /// Global: nonzero to make the next boundary destructor do nothing
    /// (see [`super::boundary`]).
    pub suppress: u32,
    /// Per resource: its defining component instance (`None`: the host).
    pub definers: Vec<Option<u32>>,
    /// Per resource: the fused function index of its destructor.
    pub dtors: Vec<Option<u32>>,
    /// The plan's resource table types.
    pub table_types: Vec<Option<ResourceTable>>,
    /// Memories this state adds (0 when the plan has no resources).
    pub memory_count: u32,
    /// Globals this state adds.
    pub global_count: u32,
}

impl State {
    /// Assigns the memories (from `first_memory` on) and globals (from
    /// `first_global` on) of `plan`'s resource machinery. Destructor indices
    /// are left to the caller ([`State::dtors`]). A plan without resource
    /// table types gets nothing.
    pub fn new(plan: &Plan, first_memory: u32, first_global: u32) -> Self {
        let mut state = State {
            definers: plan.resources.iter().map(|r| r.instance).collect(),
            dtors: vec![None; plan.resources.len()],
            table_types: plan.resource_tables.clone(),
            tables: vec![None; plan.component_instances as usize],
            ..State::default()
        };
        if !plan.resource_tables.iter().flatten().any(|t| t.used) {
            return state;
        }
        let mut memory = first_memory;
        let mut global = first_global;
        for (i, slot) in state.tables.iter_mut().enumerate() {
            let seen = plan
                .resource_tables
                .iter()
                .flatten()
                .any(|t| t.used && t.instance as usize == i);
            if seen {
                *slot = Some(HandleTable {
                    memory,
                    next: global,
                    len: global + 1,
                });
                memory += 1;
                global += 2;
            }
        }
        state.scopes = memory;
        state.sp = global;
        state.frame = global + 1;
        state.live = global + 2;
        state.suppress = global + 3;
        state.memory_count = memory + 1 - first_memory;
        state.global_count = global + 4 - first_global;
        state
    }

    /// The memories to define, in index order.
    pub fn memories(&self) -> Vec<MemoryType> {
        let memory = |minimum| MemoryType {
            minimum,
            maximum: None,
            memory64: false,
            shared: false,
            page_size_log2: None,
        };
        if self.memory_count == 0 {
            return Vec::new();
        }
        let mut out = vec![memory(0); self.memory_count as usize - 1];
        out.push(memory(1)); // the scope stack, with its base frame
        out
    }

    /// The globals to define, in index order.
    pub fn globals(&self) -> Vec<(GlobalType, ConstExpr)> {
        let ty = GlobalType {
            val_type: ValType::I32,
            mutable: true,
            shared: false,
        };
        let mut out = Vec::new();
        if self.global_count == 0 {
            return out;
        }
        for _ in self.tables.iter().flatten() {
            out.push((ty, ConstExpr::i32_const(0)));
            out.push((ty, ConstExpr::i32_const(0)));
        }
        out.push((ty, ConstExpr::i32_const(8))); // sp: above the base frame
        out.push((ty, ConstExpr::i32_const(0))); // frame: the base frame
        out.push((ty, ConstExpr::i32_const(0))); // live
        out.push((ty, ConstExpr::i32_const(0))); // suppress
        assert_eq!(out.len() as u32, self.global_count);
        out
    }

    /// The table type `t`, which the translator checked exists.
    pub(super) fn table_type(&self, t: usize) -> ResourceTable {
        self.table_types[t].expect("intrinsics only name runtime table types")
    }

    /// The handle table of component instance `instance`.
    pub(super) fn table(&self, instance: u32) -> HandleTable {
        self.tables[instance as usize].expect("an instance with table types has a table")
    }
}
