//! The canonical ABI as meld uses it: where component values live in
//! linear memory ([`layout`]), how they flatten to core values ([`mod@flat`]),
//! and the code generator that visits every handle inside a value, flat or
//! in memory, to convert it in place ([`walk`]).
//!
//! Both stages that convert handles use this module: the runtime's host
//! calls ([`crate::runtime::resources::host_call`]) and the wrapper's
//! boundary shims (`crate::wrap`). It follows
//! <https://github.com/WebAssembly/component-model/blob/main/design/mvp/CanonicalABI.md>
//! for the value types meld's [`crate::plan::ValType`] has (fixed-length
//! lists, maps, futures and streams are not among them), and its results
//! are checked against wasmtime-environ's `CanonicalAbiInfo` in the tests.

pub mod flat;
pub mod layout;
pub mod walk;

pub use flat::{MAX_FLAT_PARAMS, flat, spilled};
pub use layout::{cases, disc_size, fields, payload, size_align};
pub use walk::{Convert, Walker};
