//! wit-bindgen-opaque: wit-bindgen's Rust bindings, with opaque reps for
//! re-exported resources.
//!
//! A component that exports a resource whose every object is just a handle
//! to a resource it imports can opt that resource in
//! (`opaque_reps: ["<interface>/<resource>"]` in [`generate!`]); its rep
//! (what `[resource-new]` receives and the destructor gets back) is then the
//! inner handle itself, a `u32`, instead of a pointer to a heap box. The
//! implementing type must be a one-field newtype marked [`opaque_rep`]:
//!
//! ```ignore
//! wit_bindgen_opaque::generate!({
//!     world: "intermediate",
//!     path: "wit",
//!     opaque_reps: ["fixtures:resource-floats/floats/float"],
//! });
//!
//! #[wit_bindgen_opaque::opaque_rep]
//! pub struct MyFloat(fixtures::resource_floats::leaf_floats::Float);
//! ```
//!
//! Everything else is stock wit-bindgen 0.61.1 output: guests also depend on
//! the `wit-bindgen` crate (=0.61.1), whose runtime the bindings use.
//!
//! What changes for an opted-in resource `R` (wrapper types `R` and
//! `RBorrow`): `R::get` returns a [`rt::RepGuard`] that derefs to `T`
//! instead of `&T`; `RBorrow::get` returns `&T` for the borrow's own
//! lifetime (not `'a`); `R::get_mut` does not compile (see
//! [`rt::GetMutUnsupported`]). Dropping the last owned handle drops the `T`
//! rebuilt from the rep, which drops the inner handle.
#![no_std]
#![deny(missing_docs)]

pub mod rt;

pub use wit_bindgen_opaque_macro::{generate, opaque_rep};

/// A type whose value is exactly one `u32` rep: an imported resource handle,
/// a `u32`, or a `#[opaque_rep]` newtype over one of those.
///
/// Implemented by [`opaque_rep`] for the user's type, by the generated
/// bindings for every imported resource type (when any resource is opted
/// in), and here for `u32`. Do not implement it by hand.
///
/// # Safety
///
/// `Self` must have the size of a `u32`, an alignment of at most 4, and the
/// value `from_rep(r)` must have exactly the bit pattern of `r`: the
/// bindings hand out `&Self` by reinterpreting a `u32` in place.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an opaque rep: mark it `#[opaque_rep]` (a one-field newtype over an imported resource handle or a `u32`)",
    label = "not `#[opaque_rep]`",
    note = "an exported resource opted in with `opaque_reps` must be implemented by an `#[opaque_rep]` type"
)]
pub unsafe trait OpaqueRep: Sized + 'static {
    /// Gives up `self`, returning its rep (ownership moves into the rep).
    fn into_rep(self) -> u32;

    /// Rebuilds the value from a rep returned by [`OpaqueRep::into_rep`].
    ///
    /// # Safety
    ///
    /// `rep` must have come from `into_rep` and must not be used again
    /// (the returned value owns it).
    unsafe fn from_rep(rep: u32) -> Self;

    /// Evaluating this fails to compile if `Self` does not have the layout
    /// of a `u32` (checked where the bindings reinterpret a rep).
    #[doc(hidden)]
    const LAYOUT_CHECK: () = assert!(
        core::mem::size_of::<Self>() == 4 && core::mem::align_of::<Self>() <= 4,
        "an opaque rep must have the size and alignment of a u32"
    );
}

// SAFETY: a `u32` is its own rep.
unsafe impl OpaqueRep for u32 {
    fn into_rep(self) -> u32 {
        self
    }
    unsafe fn from_rep(rep: u32) -> Self {
        rep
    }
}
