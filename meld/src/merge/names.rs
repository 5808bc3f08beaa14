//! The fused module's `name` section: function names, so that traps and
//! profiles name the original functions.
//!
//! Each core instance's defined functions keep the names its module's
//! `name` section gives them (a module instantiated twice names both
//! copies alike); the functions meld adds are named `meld:<what>`. Other
//! subsections (locals, labels, types, ...) and other custom sections
//! (producers, debug info) are not carried over: their indices would need
//! remapping too.

use anyhow::Result;
use std::collections::BTreeMap;
use wasm_encoder::{NameMap, NameSection};
use wasmparser::{KnownCustom, Name, Payload};

/// Function names by fused function index.
#[derive(Default)]
pub struct Names {
    funcs: BTreeMap<u32, String>,
}

impl Names {
    /// Records the function names in `module`'s name section; `fused` maps
    /// the module's function indices to fused ones and `imported` is the
    /// number of functions it imports (whose names belong to their
    /// definitions).
    pub fn module(&mut self, module: &[u8], fused: &[u32], imported: u32) -> Result<()> {
        for payload in wasmparser::Parser::new(0).parse_all(module) {
            let Payload::CustomSection(c) = payload? else {
                continue;
            };
            let KnownCustom::Name(reader) = c.as_known() else {
                continue;
            };
            for name in reader {
                // A malformed name section only costs the names.
                let Ok(Name::Function(map)) = name else {
                    continue;
                };
                for naming in map.into_iter().flatten() {
                    if naming.index < imported {
                        continue;
                    }
                    if let Some(&f) = fused.get(naming.index as usize) {
                        self.funcs
                            .entry(f)
                            .or_insert_with(|| naming.name.to_string());
                    }
                }
            }
        }
        Ok(())
    }

    /// Names fused function `index` `meld:<what>`.
    pub fn meld(&mut self, index: u32, what: &str) {
        self.funcs.insert(index, format!("meld:{what}"));
    }

    /// The `name` section.
    pub fn section(&self) -> NameSection {
        let mut map = NameMap::new();
        for (index, name) in &self.funcs {
            map.append(*index, name);
        }
        let mut section = NameSection::new();
        section.functions(&map);
        section
    }
}

#[cfg(test)]
mod tests {
    /// A trapping function keeps its name in the fused module, and meld's
    /// own functions are named.
    #[test]
    fn function_names_survive() {
        let composed = wat::parse_str(
            r#"(component
                (core module $m
                  (func $helper (result i32) unreachable)
                  (func (export "run") (result i32) call $helper))
                (core instance $i (instantiate $m))
                (func (export "run") (result u32) (canon lift (core func $i "run"))))"#,
        )
        .expect("valid WAT");
        let fused = crate::Fuser::new().fuse(&composed).expect("fuses");
        let mut names = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(&fused.bytes) {
            if let wasmparser::Payload::CustomSection(c) = payload.expect("parses")
                && let wasmparser::KnownCustom::Name(reader) = c.as_known()
            {
                for name in reader {
                    if let wasmparser::Name::Function(map) = name.expect("name") {
                        names.extend(map.into_iter().map(|n| n.expect("naming").name.to_string()));
                    }
                }
            }
        }
        assert!(names.iter().any(|n| n == "helper"), "{names:?}");
        assert!(names.iter().any(|n| n == "meld:start"), "{names:?}");
    }
}
