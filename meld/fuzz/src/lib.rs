//! Fuzzing meld: the oracles and generators behind meld's cargo-fuzz
//! targets (`fuzz_targets/`) and the seeded smoke tests (`tests/smoke.rs`)
//! that run the same checks in `cargo test`. See `README.md` for how to
//! fuzz.
//!
//! Three targets, one module each, each with a `check(data)` that returns
//! a [`Finding`] when a property fails:
//! - [`fuse_bytes`]: any bytes → no panic, `Ok` outputs validate;
//! - [`mutated`]: the committed fixtures, mutated → the same;
//! - [`compose`]: generated compositions → the same, and under wasmtime
//!   the fused component behaves as the composed one.
//!
//! ```
//! // One generated composition, checked end to end.
//! let data = meld_fuzz::seed::bytes(7, 4096);
//! let outcome = meld_fuzz::compose::check(&data).expect("no finding");
//! assert!(outcome.rejected.is_some() || outcome.report.is_some());
//! ```
#![deny(missing_docs)]

pub mod compose;
pub mod finding;
pub mod fuse_bytes;
pub mod mutated;
pub mod seed;

pub use finding::Finding;
