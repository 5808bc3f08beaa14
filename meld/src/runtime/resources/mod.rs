//! The component model's resource machinery, emitted as wasm: per-instance
//! handle tables, call scopes with their borrows and lends, and the
//! intrinsics that use them, each specialised for its call site.
//!
//! # State
//!
//! - **One handle table per component instance** that uses a resource (a
//!   used table type of [`Plan::resource_tables`](crate::plan::Plan::resource_tables) names it), holding the handles
//!   of every resource type that instance sees. Each table is its own
//!   linear memory (multi-memory), starting empty and grown a page (4096
//!   slots) at a time with `memory.grow`, plus two globals: `next` (head of
//!   the free list, a 0-based slot index) and `len` (slots ever used). A slot
//!   is 16 bytes: `kind` (0 free, 1 own, 2 borrow), then for a free slot the
//!   next free slot, for a handle its table type, then `rep`, then the lend
//!   count (own) or the address of its call scope (borrow).
//! - **The call scope stack**, one more memory: frames of
//!   `[previous frame, borrow count]` followed by the frame's lenders
//!   `[component instance, handle]`; globals `sp` and `frame`. A base frame
//!   at address 0 is always present.
//! - **A live-handle counter** (global), charged by every handle and every
//!   lend, capped like the reference runtime's per-store limit.
//! - **The outer boundary**: functions the wrapping component uses to move
//!   handles between its canonical table and the inner ones, see
//!   [`boundary`].
//!
//! # Numbering and traps (wasmtime 48's `HandleTable`, `ResourceTables`)
//!
//! Handle = slot index + 1, so handles start at 1; a freed slot goes to the
//! head of the free list, so the most recently freed handle is reused first;
//! a table only grows when the free list is empty. Allocation traps when the
//! handle would reach 2^28 or the live count reaches 100 000. Using a freed,
//! zero or out-of-range handle traps, as does a handle of another table type
//! (`resource.rep`, `resource.drop`, transfers), dropping or moving an own
//! handle that is lent, moving a borrow as an own, and leaving a call scope
//! whose borrows were not all dropped.
//!
//! Resources imported from the host live in the same tables; their rep is
//! the host's handle, their destructor the host's `resource.drop` (an
//! import), and host functions passing them convert handles around the
//! import ([`host_call`]).
//!
//! The live-handle limit counts only handles inside
//! the fused module (wasmtime also counts the host's).

pub mod boundary;
mod emit;
mod host;
mod intrinsics;
mod scope;
mod state;

pub use crate::transfers::TransferKind;
pub use host::{SingleCall, host_call};
pub use intrinsics::{resource_drop, resource_new, resource_rep, transfer};
pub use scope::{enter_sync_call, exit_sync_call};
pub use state::{HandleTable, MAX_HANDLE, MAX_LIVE, SLOT_SIZE, State};
