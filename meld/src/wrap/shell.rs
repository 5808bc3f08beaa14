//! The outer layer of the `--component` output: the input's own import
//! declarations, byte for byte, around the wrapper [`super::wrap`] builds.
//!
//! The wrapper defines the types of its imports structurally, from the
//! plan: that is enough for a runtime, but the WIT a decoder reads off it
//! differs from the input's (type aliases inlined, `use`s dropped, a type
//! declared again in every interface using it, imports reordered), and a
//! composition tool that matches interfaces by their WIT (`wac plug`)
//! cannot use it as a socket. So the output is
//!
//! ```text
//! (component
//!   <the input's type, core type, alias and import sections, copied>
//!   (component $wrapper ...)
//!   (instance $w (instantiate $wrapper (with "<import>" <the copied import>) ...))
//!   <every export of $w, aliased and exported under its name>
//!   <the input's type-only exports (component and instance types), re-exported>)
//! ```
//!
//! whose imports are the input's (with their names, types, aliases, `use`s
//! and order; also those nothing uses) and whose exports are the wrapper's.
//!
//! Assumes the input declares its imports before its first definition
//! (core module, component, instance, function, export), as wit-component
//! and wac emit them. An input whose imports come later keeps the
//! wrapper's own import types (see [`shell`]).
//!
//! Not supported yet: root-level resource exports. Re-exporting the
//! wrapper's resource and a type or function naming it through aliases of
//! the wrapper instance fails validation ("type not valid to be used as
//! export"); [`super::wrap`] then keeps the wrapper itself, whose import
//! types are structural. Exported interfaces holding resources work.

use crate::plan::Plan;
use anyhow::{Context, Result, bail};
use std::collections::HashMap;
use wasm_encoder::{Component, ComponentExportKind, ComponentInstanceSection, RawSection};
use wasmparser::{ComponentAlias, ComponentExternalKind, ComponentOuterAliasKind, Parser, Payload};

/// The sections of the input that declare its imports, and what they
/// define.
#[derive(Default)]
struct Imports<'a> {
    /// `(section id, contents)`, in the input's order.
    sections: Vec<(u8, &'a [u8])>,
    /// Items defined by the sections, per index space.
    counts: HashMap<Space, u32>,
    /// Each import: its kind and index in its space.
    items: HashMap<String, (ComponentExternalKind, u32)>,
    /// Whether an import follows a definition (the prefix is then not
    /// all of them).
    late_import: bool,
    /// The root's type exports: name → type index.
    type_exports: HashMap<String, u32>,
    /// The names of all the root's exports, in order.
    export_order: Vec<String>,
}

/// A component-level index space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Space {
    /// A component-level kind, as `ComponentExternalKind as u8`.
    Kind(u8),
    CoreType,
    CoreModule,
    CoreOther,
}

/// The space items of `kind` are in.
fn space(kind: ComponentExternalKind) -> Space {
    match kind {
        ComponentExternalKind::Module => Space::CoreModule,
        kind => Space::Kind(kind as u8),
    }
}

impl Imports<'_> {
    fn push(&mut self, space: Space) -> u32 {
        let n = self.counts.entry(space).or_default();
        *n += 1;
        *n - 1
    }

    fn count(&self, space: Space) -> u32 {
        self.counts.get(&space).copied().unwrap_or(0)
    }
}

/// Reads the root sections of `input` that declare its imports (the
/// prefix before its first definition) and its type exports.
fn imports(input: &[u8]) -> Result<Imports<'_>> {
    let mut out = Imports::default();
    let mut prefix = true;
    let mut depth = 0u32;
    for payload in Parser::new(0).parse_all(input) {
        let payload = payload?;
        // `parse_all` yields a nested module's or component's payloads
        // between its own `Version` and `End`.
        match &payload {
            Payload::Version { .. } => {
                depth += 1;
                continue;
            }
            Payload::End(_) => {
                depth -= 1;
                continue;
            }
            _ if depth != 1 => continue,
            _ => {}
        }
        let section = |id: wasm_encoder::ComponentSectionId, range: std::ops::Range<usize>| {
            (id as u8, &input[range])
        };
        use wasm_encoder::ComponentSectionId as Id;
        match payload {
            Payload::ComponentTypeSection(s) if prefix => {
                for _ in 0..s.count() {
                    out.push(space(ComponentExternalKind::Type));
                }
                out.sections.push(section(Id::Type, s.range()));
            }
            Payload::CoreTypeSection(s) if prefix => {
                for _ in 0..s.count() {
                    out.push(Space::CoreType);
                }
                out.sections.push(section(Id::CoreType, s.range()));
            }
            Payload::ComponentImportSection(s) => {
                if !prefix {
                    out.late_import = true;
                    continue;
                }
                for import in s.clone() {
                    let import = import?;
                    let kind = import.ty.kind();
                    let space = space(kind);
                    let index = out.push(space);
                    out.items
                        .insert(import.name.name.to_string(), (kind, index));
                }
                out.sections.push(section(Id::Import, s.range()));
            }
            Payload::ComponentAliasSection(s) if prefix => {
                for alias in s.clone() {
                    out.push(alias_space(&alias?));
                }
                out.sections.push(section(Id::Alias, s.range()));
            }
            Payload::ComponentExportSection(s) => {
                prefix = false;
                for export in s {
                    let export = export?;
                    out.export_order.push(export.name.name.to_string());
                    if export.kind == ComponentExternalKind::Type {
                        out.type_exports
                            .insert(export.name.name.to_string(), export.index);
                    }
                }
            }
            Payload::CustomSection(_) => {}
            _ => prefix = false,
        }
    }
    Ok(out)
}

/// The index space an alias adds to.
fn alias_space(alias: &ComponentAlias<'_>) -> Space {
    match alias {
        ComponentAlias::InstanceExport { kind, .. } => space(*kind),
        ComponentAlias::CoreInstanceExport { .. } => Space::CoreOther,
        ComponentAlias::Outer { kind, .. } => match kind {
            ComponentOuterAliasKind::CoreModule => Space::CoreModule,
            ComponentOuterAliasKind::CoreType => Space::CoreType,
            ComponentOuterAliasKind::Type => space(ComponentExternalKind::Type),
            ComponentOuterAliasKind::Component => space(ComponentExternalKind::Component),
        },
    }
}

/// The root imports and exports of the wrapper component `inner`, in
/// order.
fn interface(inner: &[u8]) -> Result<[Vec<(String, ComponentExternalKind)>; 2]> {
    let mut out = [Vec::new(), Vec::new()];
    let mut depth = 0u32;
    for payload in Parser::new(0).parse_all(inner) {
        match payload? {
            Payload::Version { .. } => depth += 1,
            Payload::End(_) => depth -= 1,
            Payload::ComponentImportSection(s) if depth == 1 => {
                for import in s {
                    let import = import?;
                    let kind = import.ty.kind();
                    out[0].push((import.name.name.to_string(), kind));
                }
            }
            Payload::ComponentExportSection(s) if depth == 1 => {
                for export in s {
                    let export = export?;
                    out[1].push((export.name.name.to_string(), export.kind));
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Puts the wrapper component `inner` inside the input's import
/// declarations (see the module docs). Returns `inner` itself when the
/// input declares an import after a definition and has no type-only
/// exports to carry.
pub fn shell(input: &[u8], plan: &Plan, inner: Vec<u8>) -> Result<Vec<u8>> {
    let decl = imports(input).context("reading the input's imports")?;
    if decl.late_import {
        if let Some(name) = plan.type_only_exports.first() {
            bail!(
                "type export `{name}`: carried only for inputs that declare every import before their first definition"
            );
        }
        return Ok(inner);
    }
    let [inner_imports, inner_exports] = interface(&inner)?;
    let mut c = Component::new();
    for (id, data) in &decl.sections {
        c.section(&RawSection { id: *id, data });
    }
    let mut counts = decl.counts.clone();
    let mut next = |space: Space| {
        let n = counts.entry(space).or_default();
        *n += 1;
        *n - 1
    };
    c.section(&RawSection {
        id: wasm_encoder::ComponentSectionId::Component as u8,
        data: &inner,
    });
    let wrapper = next(space(ComponentExternalKind::Component));
    let mut args = Vec::new();
    for (name, kind) in &inner_imports {
        let Some(&(import_kind, index)) = decl.items.get(name) else {
            bail!("the wrapper imports `{name}`, which the input does not");
        };
        if import_kind != *kind {
            bail!("the wrapper imports `{name}` as a {kind:?}, the input as a {import_kind:?}");
        }
        args.push((name.as_str(), export_kind(*kind), index));
    }
    let mut instances = ComponentInstanceSection::new();
    instances.instantiate(wrapper, args);
    c.section(&instances);
    let instance = next(space(ComponentExternalKind::Instance));
    // Every export as (kind, index in the outer component), then exported
    // in the input's order (the wrapper's own order for anything else).
    let mut aliases = wasm_encoder::ComponentAliasSection::new();
    let mut items = HashMap::new();
    for (name, kind) in &inner_exports {
        aliases.alias(wasm_encoder::Alias::InstanceExport {
            instance,
            kind: export_kind(*kind),
            name,
        });
        items.insert(name.as_str(), (export_kind(*kind), next(space(*kind))));
    }
    for name in &plan.type_only_exports {
        let index = decl.type_exports.get(name).copied();
        let Some(index) = index.filter(|&i| i < decl.count(space(ComponentExternalKind::Type)))
        else {
            bail!(
                "type export `{name}`: carried only when its type is declared before the input's first definition"
            );
        };
        items.insert(name.as_str(), (ComponentExportKind::Type, index));
    }
    let order = (decl.export_order.iter().map(String::as_str))
        .chain(inner_exports.iter().map(|(name, _)| name.as_str()));
    let mut exports = wasm_encoder::ComponentExportSection::new();
    for name in order {
        if let Some((kind, index)) = items.remove(name) {
            exports.export(name, kind, index, None);
        }
    }
    c.section(&aliases);
    c.section(&exports);
    Ok(c.finish())
}

fn export_kind(kind: ComponentExternalKind) -> ComponentExportKind {
    match kind {
        ComponentExternalKind::Module => ComponentExportKind::Module,
        ComponentExternalKind::Func => ComponentExportKind::Func,
        ComponentExternalKind::Value => ComponentExportKind::Value,
        ComponentExternalKind::Type => ComponentExportKind::Type,
        ComponentExternalKind::Instance => ComponentExportKind::Instance,
        ComponentExternalKind::Component => ComponentExportKind::Component,
    }
}
