//! Runtime pieces the generated bindings of opted-in resources use. Not for
//! direct use; public because generated code in the user's crate names them.
//!
//! Assumes a single-threaded guest (wasm32 without threads, like stock
//! wit-bindgen's `type_guard`).

use core::cell::{Cell, UnsafeCell};
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ops::Deref;

use crate::OpaqueRep;

/// Read access to the `T` behind an owned handle, rebuilt from the rep
/// without taking ownership: dropping the guard does not drop the `T`.
pub struct RepGuard<'a, T: OpaqueRep> {
    value: ManuallyDrop<T>,
    _handle: PhantomData<&'a ()>,
}

impl<T: OpaqueRep> RepGuard<'_, T> {
    /// A guard over the value whose rep is `rep`.
    ///
    /// # Safety
    ///
    /// `rep` must be the live rep of a handle that outlives the guard.
    #[doc(hidden)]
    pub unsafe fn new(rep: u32) -> Self {
        // SAFETY: the value is never dropped, so the rep stays owned by the
        // handle (the caller's promise).
        RepGuard { value: ManuallyDrop::new(unsafe { T::from_rep(rep) }), _handle: PhantomData }
    }
}

impl<T: OpaqueRep> Deref for RepGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// A borrowed rep, stored in place so a `&T` can point at it.
#[repr(transparent)]
pub struct BorrowedRep(UnsafeCell<u32>);

impl BorrowedRep {
    /// Stores `rep`.
    pub fn new(rep: u32) -> Self {
        BorrowedRep(UnsafeCell::new(rep))
    }

    /// The stored rep viewed as the `T` it is the rep of.
    ///
    /// # Safety
    ///
    /// The rep must be a live rep of a `T` for as long as the reference is
    /// used (a borrow lent for the current call).
    pub unsafe fn get<T: OpaqueRep>(&self) -> &T {
        #[allow(clippy::let_unit_value)]
        let () = T::LAYOUT_CHECK;
        // SAFETY: `T` has the layout of a `u32` whose bit pattern is its rep
        // (the `OpaqueRep` contract, checked above); the cell permits the
        // interior mutability `T` may have (an imported handle's `AtomicU32`).
        unsafe { &*self.0.get().cast::<T>() }
    }
}

impl core::fmt::Debug for BorrowedRep {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("BorrowedRep").finish_non_exhaustive()
    }
}

/// The rep whose handle `into_inner` is about to drop: the destructor that
/// the drop runs must skip it, since the value now belongs to the caller.
pub struct TakenRep(Cell<Option<u32>>);

// SAFETY: single-threaded guests only (see the module docs).
unsafe impl Sync for TakenRep {}

impl TakenRep {
    /// Nothing taken.
    pub const fn new() -> Self {
        TakenRep(Cell::new(None))
    }

    /// Marks `rep` as taken.
    pub fn mark(&self, rep: u32) {
        self.0.set(Some(rep));
    }

    /// Whether `rep` was marked taken; clears the mark.
    pub fn take_if(&self, rep: u32) -> bool {
        if self.0.get() == Some(rep) {
            self.0.set(None);
            true
        } else {
            false
        }
    }
}

impl Default for TakenRep {
    fn default() -> Self {
        Self::new()
    }
}

/// Never implemented: `get_mut` on an opted-in resource's owned wrapper
/// names it so the compile error says why the method is not available.
#[diagnostic::on_unimplemented(
    message = "`get_mut` is not available for an opaque-rep resource",
    label = "`{T}` is an opaque rep",
    note = "the rep is the inner handle, a copy held by the handle table; a `&mut` to it could change the value without the table seeing it. Use `get` (methods take `&self`) or `into_inner`"
)]
pub trait GetMutUnsupported<T> {}
