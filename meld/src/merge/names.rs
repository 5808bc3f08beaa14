//! The fused module's `name` section, so that traps, profiles and debuggers
//! name the original functions, locals, globals, memories, tables, tags,
//! types and segments.
//!
//! Each core instance's items keep the names its module's `name` section
//! gives them, at their fused indices; locals and labels stay with their
//! function. A name that items of more than one core instance carry (every
//! Rust guest has a `cabi_realloc`, a `__stack_pointer`, a `memory`) is
//! prefixed with its instance's owner in every instance that uses it:
//! `<module>#<n>::<name>`, `<module>` the core module's own name (its name
//! section's module name) or `component`, `<n>` the component instance;
//! `adapter#<k>::` for the translator's adapter modules (core instance
//! `k`). Names unique in the fused module stay as they are. The functions
//! meld adds are named `meld:<what>`. Field names (GC) are not carried.

use std::collections::{BTreeMap, HashMap};
use wasm_encoder::{IndirectNameMap, NameMap, NameSection};
use wasmparser::{BinaryReader, Name, NameSectionReader};

/// The index spaces a name section names.
#[derive(Clone, Copy)]
enum Space {
    Func,
    Global,
    Memory,
    Table,
    Tag,
    Type,
    Data,
    Elem,
}

const SPACES: usize = 8;

/// Where one instance's indices land in the fused module.
pub struct Target<'a> {
    /// The instance's index maps.
    pub map: &'a super::layout::InstanceMap,
    /// Its module's imports and counts.
    pub info: &'a super::layout::ModuleInfo,
}

impl Target<'_> {
    /// The fused index of the instance's item `index` in `space`, `None` for
    /// an import (its name belongs to the definition) or an index out of
    /// range (a malformed name section only costs the names).
    fn fused(&self, space: Space, index: u32) -> Option<u32> {
        use crate::plan::ItemKind;
        let kind = match space {
            Space::Func => ItemKind::Func,
            Space::Global => ItemKind::Global,
            Space::Memory => ItemKind::Memory,
            Space::Table => ItemKind::Table,
            Space::Tag => ItemKind::Tag,
            Space::Type => {
                return (index < self.info.types.len() as u32).then(|| self.map.type_base + index);
            }
            Space::Data => return (index < self.info.data).then(|| self.map.data_base + index),
            Space::Elem => return (index < self.info.elems).then(|| self.map.elem_base + index),
        };
        if index < self.info.imported(kind) {
            return None;
        }
        self.map.get(kind).get(index as usize).copied()
    }
}

/// One name and the instance (owner) it came from; `None` for meld's own.
struct Entry {
    name: String,
    owner: Option<usize>,
}

/// Names by fused index, gathered instance by instance.
#[derive(Default)]
pub struct Names {
    spaces: [BTreeMap<u32, Entry>; SPACES],
    locals: BTreeMap<u32, Vec<(u32, String)>>,
    labels: BTreeMap<u32, Vec<(u32, String)>>,
    /// Per owner: its prefix.
    owners: Vec<String>,
}

impl Names {
    /// Records the names a core instance's module gives in its `name`
    /// section (`data`, the section's contents; `None` if it has none);
    /// `owner` describes the instance (`None` for an adapter module) and
    /// `core_instance` is its index.
    pub fn instance(
        &mut self,
        data: Option<&[u8]>,
        target: &Target,
        component_instance: Option<u32>,
        core_instance: usize,
    ) {
        let mut module_name = None;
        let owner = self.owners.len();
        let reader = data.map(|d| NameSectionReader::new(BinaryReader::new(d, 0)));
        for name in reader.into_iter().flatten() {
            // A malformed name section only costs the names.
            let Ok(name) = name else { continue };
            let (space, map) = match name {
                Name::Module { name, .. } => {
                    module_name = Some(name.to_string());
                    continue;
                }
                Name::Local(map) => {
                    self.indirect(target, map, true);
                    continue;
                }
                Name::Label(map) => {
                    self.indirect(target, map, false);
                    continue;
                }
                Name::Function(m) => (Space::Func, m),
                Name::Global(m) => (Space::Global, m),
                Name::Memory(m) => (Space::Memory, m),
                Name::Table(m) => (Space::Table, m),
                Name::Tag(m) => (Space::Tag, m),
                Name::Type(m) => (Space::Type, m),
                Name::Data(m) => (Space::Data, m),
                Name::Element(m) => (Space::Elem, m),
                Name::Field(_) | Name::Unknown { .. } => continue,
            };
            for naming in map.into_iter().flatten() {
                if let Some(index) = target.fused(space, naming.index) {
                    self.spaces[space as usize].entry(index).or_insert(Entry {
                        name: naming.name.to_string(),
                        owner: Some(owner),
                    });
                }
            }
        }
        self.owners.push(match component_instance {
            Some(n) => format!("{}#{n}", module_name.as_deref().unwrap_or("component")),
            None => format!("adapter#{core_instance}"),
        });
    }

    /// Records locals (`locals`) or labels, by their function.
    fn indirect(&mut self, target: &Target, map: wasmparser::IndirectNameMap, locals: bool) {
        for indirect in map.into_iter().flatten() {
            let Some(func) = target.fused(Space::Func, indirect.index) else {
                continue;
            };
            let names = indirect.names.into_iter().flatten();
            let mut names: Vec<_> = names.map(|n| (n.index, n.name.to_string())).collect();
            names.sort_by_key(|(index, _)| *index);
            names.dedup_by_key(|(index, _)| *index);
            let out = if locals {
                &mut self.locals
            } else {
                &mut self.labels
            };
            out.insert(func, names);
        }
    }

    /// Names fused function `index` `meld:<what>`.
    pub fn meld(&mut self, index: u32, what: &str) {
        let name = format!("meld:{what}");
        self.spaces[Space::Func as usize].insert(index, Entry { name, owner: None });
    }

    /// Names fused global `index` `meld:<what>`.
    pub fn meld_global(&mut self, index: u32, what: &str) {
        let name = format!("meld:{what}");
        self.spaces[Space::Global as usize].insert(index, Entry { name, owner: None });
    }

    /// The `name` section.
    pub fn section(&self) -> NameSection {
        let mut section = NameSection::new();
        let maps: Vec<NameMap> = self.spaces.iter().map(|s| self.map(s)).collect();
        section.functions(&maps[Space::Func as usize]);
        section.locals(&indirect(&self.locals));
        section.labels(&indirect(&self.labels));
        section.types(&maps[Space::Type as usize]);
        section.tables(&maps[Space::Table as usize]);
        section.memories(&maps[Space::Memory as usize]);
        section.globals(&maps[Space::Global as usize]);
        section.elements(&maps[Space::Elem as usize]);
        section.data(&maps[Space::Data as usize]);
        section.tags(&maps[Space::Tag as usize]);
        section
    }

    /// One space's names, prefixed where more than one owner uses a name.
    fn map(&self, space: &BTreeMap<u32, Entry>) -> NameMap {
        let mut owners: HashMap<&str, Option<usize>> = HashMap::new();
        let mut shared: HashMap<&str, bool> = HashMap::new();
        for entry in space.values() {
            let first = *owners.entry(&entry.name).or_insert(entry.owner);
            if first != entry.owner {
                shared.insert(&entry.name, true);
            }
        }
        let mut map = NameMap::new();
        for (index, entry) in space {
            match entry.owner {
                Some(owner) if shared.contains_key(entry.name.as_str()) => {
                    map.append(*index, &format!("{}::{}", self.owners[owner], entry.name))
                }
                _ => map.append(*index, &entry.name),
            }
        }
        map
    }
}

fn indirect(names: &BTreeMap<u32, Vec<(u32, String)>>) -> IndirectNameMap {
    let mut out = IndirectNameMap::new();
    for (func, names) in names {
        let mut map = NameMap::new();
        for (index, name) in names {
            map.append(*index, name);
        }
        out.append(*func, &map);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use wasmparser::{KnownCustom, Name, Payload};

    /// Every (subsection, name) of a module's name section; locals as
    /// `local <function>.<name>`.
    fn names(module: &[u8]) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for payload in wasmparser::Parser::new(0).parse_all(module) {
            let Payload::CustomSection(c) = payload.expect("parses") else {
                continue;
            };
            let KnownCustom::Name(reader) = c.as_known() else {
                continue;
            };
            for name in reader {
                let (kind, map) = match name.expect("name") {
                    Name::Function(m) => ("func", m),
                    Name::Global(m) => ("global", m),
                    Name::Memory(m) => ("memory", m),
                    Name::Data(m) => ("data", m),
                    Name::Local(m) => {
                        for f in m {
                            let f = f.expect("naming");
                            for l in f.names {
                                out.insert(format!("local {}.{}", f.index, l.expect("local").name));
                            }
                        }
                        continue;
                    }
                    _ => continue,
                };
                out.extend(
                    map.into_iter()
                        .map(|n| format!("{kind} {}", n.expect("naming").name)),
                );
            }
        }
        out
    }

    /// Two component instances of one component, each with a `get`, a
    /// `counter` global and a memory: the shared names are prefixed per
    /// component instance (with the module's own name, `m` as the text
    /// format gives it), the unique one (`helper`) and meld's own are not,
    /// and locals keep their names.
    #[test]
    fn names_are_prefixed_where_instances_share_them() {
        let composed = wat::parse_str(
            r#"(component
                (component $c
                  (core module $m
                    (memory $mem 1)
                    (global $counter (mut i32) (i32.const 0))
                    (func $get (export "get") (param $x i32) (result i32)
                      local.get $x global.get $counter i32.add))
                  (core instance $i (instantiate $m))
                  (func (export "get") (param "x" u32) (result u32)
                    (canon lift (core func $i "get"))))
                (instance $a (instantiate $c))
                (instance $b (instantiate $c))
                (core module $top
                  (func $helper (result i32) unreachable)
                  (func (export "run") (result i32) call $helper))
                (core instance $t (instantiate $top))
                (func (export "run") (result u32) (canon lift (core func $t "run")))
                (export "a" (func $a "get"))
                (export "b" (func $b "get")))"#,
        )
        .expect("valid WAT");
        let fused = crate::Fuser::new().fuse(&composed).expect("fuses");
        let names = names(&fused.bytes);
        for expected in [
            "func m#1::get",
            "func m#2::get",
            "global m#1::counter",
            "global m#2::counter",
            "memory m#2::mem",
            "func helper",
            "func meld:start",
        ] {
            assert!(names.contains(expected), "no `{expected}` in {names:?}");
        }
        assert!(!names.contains("func get"), "{names:?}");
        assert!(
            names
                .iter()
                .any(|n| n.starts_with("local ") && n.ends_with(".x")),
            "{names:?}"
        );
    }
}
