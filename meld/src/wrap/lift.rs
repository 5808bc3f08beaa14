//! Lifting the input's exported functions out of the fused instance, with
//! their original types and canonical options; functions passing handles
//! are lifted through a boundary shim ([`super::resources`]).

use super::options::options;
use super::resources;
use super::types::TypeEncoder;
use crate::merge::CoreExports;
use crate::plan::{Plan, RootExport};
use anyhow::{Context, Result};
use wasm_encoder::{CanonicalOption, ComponentBuilder, ExportKind};

/// Lifts exported functions out of the fused instance.
pub struct Lifter<'a> {
    pub plan: &'a Plan<'a>,
    pub exports: &'a CoreExports,
    pub res: &'a resources::Resources,
    pub fused: u32,
    pub core_types: &'a [(String, wasmparser::FuncType)],
}

impl Lifter<'_> {
    /// Lifts `export` (the fused module's export `core_name`); returns the
    /// component function.
    pub fn lift(
        &self,
        b: &mut ComponentBuilder,
        types: &mut TypeEncoder,
        export: &RootExport,
        core_name: &str,
    ) -> Result<u32> {
        let ty = types.func(b, &export.ty);
        let core_ty = self
            .core_types
            .iter()
            .find(|(n, _)| n == core_name)
            .map(|(_, t)| t)
            .with_context(|| format!("the fused module does not export `{core_name}`"))?;
        // The boundary's own post-return, where it has one (`--memory
        // single`), else the export's.
        let own_post = (self.exports.root.iter().position(|n| n == core_name))
            .and_then(|i| self.exports.root_post_returns.get(i)?.as_deref());
        let post_name = own_post.or_else(|| {
            (export.options.post_return).map(|p| self.exports.post_returns[p].as_str())
        });
        let memory = export
            .options
            .memory
            .map(|m| self.exports.memories[m].as_str());
        let (core_func, post) = self.res.lifted(
            b,
            self.plan,
            export,
            (core_name, post_name, memory),
            self.fused,
            core_ty,
        )?;
        let mut options = options(b, self.fused, self.exports, &export.options);
        let post = post.or_else(|| {
            own_post.map(|name| b.core_alias_export(None, self.fused, name, ExportKind::Func))
        });
        if post.is_some() && export.options.post_return.is_none() {
            options.push(CanonicalOption::PostReturn(0));
        }
        if let Some(post) = post {
            for o in &mut options {
                if let CanonicalOption::PostReturn(f) = o {
                    *f = post;
                }
            }
        }
        Ok(b.lift_func(Some(core_name), core_func, ty, options))
    }
}

/// The fused module's exported functions and their core types.
pub fn export_types(core: &[u8]) -> Result<Vec<(String, wasmparser::FuncType)>> {
    let mut types = Vec::new();
    let mut funcs = Vec::new();
    let mut exports = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(core) {
        match payload? {
            wasmparser::Payload::TypeSection(r) => {
                for ty in r.into_iter_err_on_gc_types() {
                    types.push(ty?);
                }
            }
            wasmparser::Payload::ImportSection(r) => {
                for import in r.into_imports() {
                    if let wasmparser::TypeRef::Func(t) = import?.ty {
                        funcs.push(t);
                    }
                }
            }
            wasmparser::Payload::FunctionSection(r) => {
                for t in r {
                    funcs.push(t?);
                }
            }
            wasmparser::Payload::ExportSection(r) => {
                for e in r {
                    let e = e?;
                    if e.kind == wasmparser::ExternalKind::Func {
                        let ty = types[funcs[e.index as usize] as usize].clone();
                        exports.push((e.name.to_string(), ty));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(exports)
}
