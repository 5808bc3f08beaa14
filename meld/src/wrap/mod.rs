//! The `--component` output: a component that instantiates the fused core
//! module and lifts the input's root exports from it, with their original
//! function types and canonical options (string encoding, memory, realloc,
//! post-return).
//!
//! Host imports, and the resource types they use, are re-imported under
//! their original names (see `host` and `imports`); root-exported resources
//! become the wrapper's own resource types (see [`resources`]). Restrictions
//! today: root exports are functions; handles inside compound types at the
//! root are errors; records, variants, enums and flags used by an exported or imported function are
//! exported as types under generated names (`meld-t<N>`), because the
//! original type names are not kept by the translator; structurally the
//! types are the input's.

mod host;
mod imports;
pub mod resources;
pub mod shim;

use crate::encode;
use crate::merge::CoreExports;
use crate::plan::{CanonOptions, FuncType, Plan, StringEncoding, ValType};
use anyhow::{Context, Result};
use wasm_encoder::{
    CanonicalOption, ComponentBuilder, ComponentExportKind, ComponentValType, ExportKind,
    PrimitiveValType,
};

/// Wraps the fused `core` module in a component exporting `plan`'s root
/// exports, and validates it.
pub fn wrap(plan: &Plan, exports: &CoreExports, core: &[u8]) -> Result<Vec<u8>> {
    resources::check(plan)?;
    let core_types = export_types(core)?;
    let mut b = ComponentBuilder::default();
    let mut types = TypeEncoder::default();
    for (name, ty) in &plan.type_exports {
        types.export(&mut b, name, ty);
    }
    let module = b.core_module_raw(Some("fused"), core);
    let instance = imports::instantiate(&mut b, &mut types, plan, exports, module, core)?;
    let res = resources::Resources::define(&mut b, plan, instance);
    types.handles.extend(res.handle_types.iter().copied());

    for (export, core_name) in plan.exports.iter().zip(&exports.root) {
        let ty = types.func(&mut b, &export.ty);

        let core_ty = core_types
            .iter()
            .find(|(n, _)| n == core_name)
            .map(|(_, t)| t)
            .context("the fused module does not export a root export")?;
        let post_name = export
            .options
            .post_return
            .map(|p| exports.post_returns[p].as_str());
        let (core_func, post) = res.lifted(
            &mut b,
            plan,
            export,
            (core_name, post_name),
            instance,
            core_ty,
        )?;
        let mut options = options(&mut b, instance, exports, &export.options);
        if let Some(post) = post {
            for o in &mut options {
                if let CanonicalOption::PostReturn(f) = o {
                    *f = post;
                }
            }
        }
        let func = b.lift_func(Some(&export.name), core_func, ty, options);
        b.export(export.name.as_str(), ComponentExportKind::Func, func, None);
    }
    encode::validate_component(b.finish())
}

/// Aliases what the canonical options name out of the fused instance.
fn options(
    b: &mut ComponentBuilder,
    instance: u32,
    exports: &CoreExports,
    opts: &CanonOptions,
) -> Vec<CanonicalOption> {
    let mut out = vec![match opts.string_encoding {
        StringEncoding::Utf8 => CanonicalOption::UTF8,
        StringEncoding::Utf16 => CanonicalOption::UTF16,
        StringEncoding::CompactUtf16 => CanonicalOption::CompactUTF16,
    }];
    if let Some(m) = opts.memory {
        out.push(CanonicalOption::Memory(b.core_alias_export(
            None,
            instance,
            &exports.memories[m],
            ExportKind::Memory,
        )));
    }
    if let Some(r) = opts.realloc {
        out.push(CanonicalOption::Realloc(b.core_alias_export(
            None,
            instance,
            &exports.reallocs[r],
            ExportKind::Func,
        )));
    }
    if let Some(p) = opts.post_return {
        let f = b.core_alias_export(None, instance, &exports.post_returns[p], ExportKind::Func);
        out.push(CanonicalOption::PostReturn(f));
    }
    out
}

/// Defines component value types, exporting the named kinds (records,
/// variants, enums, flags): under the input's name when the input exported a
/// structurally equal type at the root, else under a generated `meld-t<N>`.
#[derive(Default)]
struct TypeEncoder {
    exported: u32,
    named: Vec<(ValType, u32)>,
    /// Resource table type → the exported wrapper resource type.
    handles: Vec<(usize, u32)>,
}

impl TypeEncoder {
    /// Exports `ty` under `name` (a root type export of the input).
    fn export(&mut self, b: &mut ComponentBuilder, name: &str, ty: &ValType) {
        if is_named(ty) {
            self.defined(b, ty, Some(name));
            return;
        }
        let index = match self.val(b, ty) {
            ComponentValType::Type(index) => index,
            ComponentValType::Primitive(p) => {
                let (index, enc) = b.type_defined(None);
                enc.primitive(p);
                index
            }
        };
        b.export(name, ComponentExportKind::Type, index, None);
    }

    /// Defines a component function type; returns its index.
    fn func(&mut self, b: &mut ComponentBuilder, ty: &FuncType) -> u32 {
        let params = ty
            .params
            .iter()
            .map(|(name, ty)| (name.as_str(), self.val(b, ty)))
            .collect::<Vec<_>>();
        let result = ty.result.as_ref().map(|ty| self.val(b, ty));
        let (index, mut enc) = b.type_function(None);
        enc.params(params).result(result);
        index
    }

    fn val(&mut self, b: &mut ComponentBuilder, ty: &ValType) -> ComponentValType {
        use PrimitiveValType as P;
        let primitive = match ty {
            ValType::Bool => P::Bool,
            ValType::S8 => P::S8,
            ValType::U8 => P::U8,
            ValType::S16 => P::S16,
            ValType::U16 => P::U16,
            ValType::S32 => P::S32,
            ValType::U32 => P::U32,
            ValType::S64 => P::S64,
            ValType::U64 => P::U64,
            ValType::F32 => P::F32,
            ValType::F64 => P::F64,
            ValType::Char => P::Char,
            ValType::String => P::String,
            ValType::Own(t) | ValType::Borrow(t) => {
                let resource = self
                    .handles
                    .iter()
                    .find(|(u, _)| u == t)
                    .map(|(_, r)| *r)
                    .expect("resources::check: every handle is of an exported resource");
                let (index, enc) = b.type_defined(None);
                match ty {
                    ValType::Own(_) => enc.own(resource),
                    _ => enc.borrow(resource),
                }
                return ComponentValType::Type(index);
            }
            _ => {
                if let Some((_, index)) = self.named.iter().rev().find(|(t, _)| t == ty) {
                    return ComponentValType::Type(*index);
                }
                return ComponentValType::Type(self.defined(b, ty, None));
            }
        };
        ComponentValType::Primitive(primitive)
    }

    /// Defines a non-primitive type; named kinds are exported as `name`
    /// (or a generated name) and the exported index is returned.
    fn defined(&mut self, b: &mut ComponentBuilder, ty: &ValType, name: Option<&str>) -> u32 {
        let named = match ty {
            ValType::List(t) => {
                let t = self.val(b, t);
                b.type_defined(None).1.list(t);
                false
            }
            ValType::Option(t) => {
                let t = self.val(b, t);
                b.type_defined(None).1.option(t);
                false
            }
            ValType::Result { ok, err } => {
                let ok = ok.as_ref().map(|t| self.val(b, t));
                let err = err.as_ref().map(|t| self.val(b, t));
                b.type_defined(None).1.result(ok, err);
                false
            }
            ValType::Tuple(ts) => {
                let ts = ts.iter().map(|t| self.val(b, t)).collect::<Vec<_>>();
                b.type_defined(None).1.tuple(ts);
                false
            }
            ValType::Record(fields) => {
                let fields = fields
                    .iter()
                    .map(|(n, t)| (n.as_str(), self.val(b, t)))
                    .collect::<Vec<_>>();
                b.type_defined(None).1.record(fields);
                true
            }
            ValType::Variant(cases) => {
                let cases = cases
                    .iter()
                    .map(|(n, t)| (n.as_str(), t.as_ref().map(|t| self.val(b, t))))
                    .collect::<Vec<_>>();
                b.type_defined(None).1.variant(cases);
                true
            }
            ValType::Enum(names) => {
                b.type_defined(None)
                    .1
                    .enum_type(names.iter().map(String::as_str));
                true
            }
            ValType::Flags(names) => {
                b.type_defined(None)
                    .1
                    .flags(names.iter().map(String::as_str));
                true
            }
            _ => unreachable!("primitive types are handled by `val`"),
        };
        let index = b.type_count() - 1;
        if !named {
            return index;
        }
        let name = match name {
            Some(name) => name.to_string(),
            None => {
                self.exported += 1;
                format!("meld-t{}", self.exported - 1)
            }
        };
        let exported = b.export(name.as_str(), ComponentExportKind::Type, index, None);
        self.named.push((ty.clone(), exported));
        exported
    }
}

/// Whether `ty` must be exported before an exported function may use it.
fn is_named(ty: &ValType) -> bool {
    matches!(
        ty,
        ValType::Record(_) | ValType::Variant(_) | ValType::Enum(_) | ValType::Flags(_)
    )
}

/// The fused module's exported functions and their core types.
fn export_types(core: &[u8]) -> Result<Vec<(String, wasmparser::FuncType)>> {
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
