//! wit-bindgen-opaque: opaque reps for re-exported resources. Not
//! implemented yet: see the project's open issues.
#![deny(missing_docs)]
