//! meld: statically fuses a composed WebAssembly component into one core
//! module. Not implemented yet: see the project's open issues.
#![deny(missing_docs)]
