//! The fused module's exports: the root functions (through their
//! `--memory single` boundary wrappers where they have one) and what the
//! canonical options of the `--component` wrapper name, by the names in
//! [`CoreExports`].

use super::layout::Layout;
use super::single;
use crate::plan::{ItemKind, Plan};
use anyhow::Result;
use wasm_encoder::{ExportKind, ExportSection};

/// Export names of the fused module, parallel to the plan's lists.
#[derive(Debug, Clone, Default)]
pub struct CoreExports {
    /// Per root export: the lifted core function (named like the export).
    pub root: Vec<String>,
    /// Per [`Plan::memories`] entry.
    pub memories: Vec<String>,
    /// Per [`Plan::reallocs`] entry.
    pub reallocs: Vec<String>,
    /// Per [`Plan::post_returns`] entry.
    pub post_returns: Vec<String>,
    /// Per root export: the post-return to lift it with instead of its
    /// options' (under [`Memory::Single`](super::Memory::Single): `cabi_post_<name>`, which may
    /// convert addresses back after the host has read the result).
    pub root_post_returns: Vec<Option<String>>,
    /// The realloc to lower host imports with instead of their options'
    /// (under [`Memory::Single`](super::Memory::Single): one for all, dispatching to the caller's).
    pub import_realloc: Option<String>,
    /// Per [`Plan::host_imports`] entry: the fused module's import (module,
    /// name), `None` if no core instance uses that lowering.
    pub imports: Vec<Option<(String, String)>>,
    /// Per [`Plan::resources`] entry: the fused module's import (module,
    /// name) of the host's `resource.drop`, for a resource imported from the
    /// host whose handles exist inside.
    pub resource_drops: Vec<Option<(String, String)>>,
}

/// Exports the root functions and everything canonical options name,
/// each through its boundary wrapper where it has one.
pub fn export(
    plan: &Plan,
    layout: &Layout,
    (wrappers, single): (&single::Wrappers, bool),
    exports: &mut ExportSection,
) -> Result<CoreExports> {
    let mut names = CoreExports::default();
    if let Some(f) = wrappers.export_realloc {
        exports.export("cabi_realloc", ExportKind::Func, f);
    }
    if let Some(f) = wrappers.import_realloc {
        exports.export("cabi_import_realloc", ExportKind::Func, f);
        names.import_realloc = Some("cabi_import_realloc".to_string());
    }
    for (i, e) in plan.exports.iter().enumerate() {
        let func = match wrappers.roots.get(i).copied().flatten() {
            Some(f) => f,
            None => layout.resolve(&e.func, ItemKind::Func)?,
        };
        exports.export(&e.name.to_string(), ExportKind::Func, func);
        names.root.push(e.name.to_string());
        // Under `--memory single`, wit-component's name for a root
        // export's post-return.
        let own = wrappers.post_returns.get(i).copied().flatten();
        let post = match (single, own, e.options.post_return) {
            (false, _, _) | (true, None, None) => None,
            (true, Some(f), _) => Some(f),
            (true, None, Some(p)) => Some(layout.resolve(&plan.post_returns[p], ItemKind::Func)?),
        };
        let post = post.map(|f| {
            let name = format!("cabi_post_{}", e.name);
            exports.export(&name, ExportKind::Func, f);
            name
        });
        names.root_post_returns.push(post);
    }
    let lists = [
        (
            &plan.memories,
            ItemKind::Memory,
            ExportKind::Memory,
            "memory",
            &mut names.memories,
        ),
        (
            &plan.reallocs,
            ItemKind::Func,
            ExportKind::Func,
            "realloc",
            &mut names.reallocs,
        ),
        (
            &plan.post_returns,
            ItemKind::Func,
            ExportKind::Func,
            "post-return",
            &mut names.post_returns,
        ),
    ];
    for (defs, kind, export_kind, label, out) in lists {
        for (i, def) in defs.iter().enumerate() {
            let name = format!("meld:{label}{i}");
            let wrapper = wrappers.reallocs.get(i).copied().flatten();
            let index = match wrapper.filter(|_| label == "realloc") {
                Some(f) => f,
                None => layout.resolve(def, kind)?,
            };
            exports.export(&name, export_kind, index);
            out.push(name);
        }
    }
    Ok(names)
}
