//! The proc macros of wit-bindgen-opaque; use them through the
//! `wit-bindgen-opaque` crate, whose paths the expansions name.
//!
//! - [`generate!`](macro@generate): `wit_bindgen::generate!` plus
//!   `opaque_reps`; thin: parses options, calls `wit-bindgen-opaque-gen`,
//!   turns errors into `compile_error!` with their whole cause chain.
//! - [`#[opaque_rep]`](macro@opaque_rep): checks and marks the type that
//!   implements an opted-in resource.

mod generate;
mod opaque_rep;

use proc_macro::TokenStream;

/// Generates bindings for a world, like `wit_bindgen::generate!`, with the
/// exported resources listed in `opaque_reps` given opaque reps.
///
/// Options: `world`, `path` (a string or a list of strings, relative to the
/// crate's manifest directory; default `wit`), `inline`, `opaque_reps`
/// (a list of `"<interface>/<resource>"`), and of the stock options
/// `runtime_path`, `generate_all`, `pub_export_macro`, `export_macro_name`,
/// `default_bindings_module`. Other stock options are not supported yet.
#[proc_macro]
pub fn generate(input: TokenStream) -> TokenStream {
    generate::expand(input.into()).unwrap_or_else(|e| e.to_compile_error()).into()
}

/// Marks the type implementing an opted-in resource: a struct with exactly
/// one field (tuple or named) whose type is an imported resource handle or a
/// `u32`. Adds `#[repr(transparent)]` and implements
/// `wit_bindgen_opaque::OpaqueRep`; anything else is a compile error.
#[proc_macro_attribute]
pub fn opaque_rep(attr: TokenStream, item: TokenStream) -> TokenStream {
    opaque_rep::expand(attr.into(), item.into()).unwrap_or_else(|e| e.to_compile_error()).into()
}
