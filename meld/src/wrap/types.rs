//! Component value types of the wrapper, defined from the plan's
//! structural [`ValType`]s.
//!
//! Records, variants, enums and flags must be named (exported or imported)
//! before an exported or imported function may use them. A [`TypeEncoder`]
//! names them per its [`Naming`]: exported (the wrapper's root, or a nested
//! interface component's exports), imported with an `eq` bound (a nested
//! interface component's imports), or not at all (types only used by
//! functions lifted for a nested interface component). A type is named
//! after the input's type export it is structurally equal to when it is
//! one (see [`TypeEncoder::export`] and [`TypeEncoder::preferred`]: at the
//! wrapper's root, a type the input names only inside an exported instance
//! is exported under that name when it is free), else `meld-t<N>`.

use crate::plan::{FuncType, ValType};
use wasm_encoder::{
    ComponentBuilder, ComponentExportKind, ComponentTypeRef, ComponentValType, PrimitiveValType,
    TypeBounds,
};

/// The prefix of a type import of a nested interface component.
pub const IMPORT_TYPE: &str = "import-type-";

/// How a [`TypeEncoder`] names the named kinds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Naming {
    /// Exported under their names.
    #[default]
    Export,
    /// Imported as `import-type-<name>` with an `eq` bound (the imports are
    /// listed in [`TypeEncoder::imported`]).
    Import,
    /// Only defined.
    Local,
}

/// Defines component value types in one component.
#[derive(Default)]
pub struct TypeEncoder {
    exported: u32,
    named: Vec<(ValType, u32)>,
    /// Resource table type → the wrapper resource type its handles refer to.
    pub handles: Vec<(usize, u32)>,
    /// How named kinds are named.
    pub naming: Naming,
    /// In [`Naming::Import`] mode: the type imports made, with their types.
    pub imported: Vec<(String, ValType)>,
    /// Names to give types that are named without an explicit name, by
    /// structure (e.g. the names exported instances give them), unless the
    /// name is in `used`.
    pub preferred: Vec<(ValType, String)>,
    /// Names already taken in the component ([`Naming::Export`] adds the
    /// names it exports).
    pub used: Vec<String>,
}

impl TypeEncoder {
    /// An encoder naming per `naming`, whose handles of table type `t`
    /// refer to the resource type `handles[..] = (t, type)`.
    pub fn new(naming: Naming, handles: Vec<(usize, u32)>) -> Self {
        TypeEncoder {
            naming,
            handles,
            ..TypeEncoder::default()
        }
    }

    /// Names `ty` `name` (a type export of the input) according to
    /// [`Naming`]; returns the type's index (the named one, except in
    /// [`Naming::Import`] mode, where it is the type imported with).
    pub fn export(&mut self, b: &mut ComponentBuilder, name: &str, ty: &ValType) -> u32 {
        if is_named(ty) {
            return self.defined(b, ty, Some(name));
        }
        let index = self.index(b, ty);
        self.name(b, name, index, ty);
        index
    }

    /// The index of a type equal to `ty` (defining one for a primitive).
    pub fn index(&mut self, b: &mut ComponentBuilder, ty: &ValType) -> u32 {
        match self.val(b, ty) {
            ComponentValType::Type(index) => index,
            ComponentValType::Primitive(p) => {
                let (index, enc) = b.type_defined(None);
                enc.primitive(p);
                index
            }
        }
    }

    /// Gives type `index` (equal to `ty`) the name `name` per the mode;
    /// returns the index to refer to it by.
    fn name(&mut self, b: &mut ComponentBuilder, name: &str, index: u32, ty: &ValType) -> u32 {
        match self.naming {
            Naming::Export => {
                self.used.push(name.to_string());
                b.export(name, ComponentExportKind::Type, index, None)
            }
            Naming::Import => {
                let import = format!("{IMPORT_TYPE}{name}");
                self.imported.push((import.clone(), ty.clone()));
                b.import(&import, ComponentTypeRef::Type(TypeBounds::Eq(index)))
            }
            Naming::Local => index,
        }
    }

    /// Defines a component function type; returns its index.
    pub fn func(&mut self, b: &mut ComponentBuilder, ty: &FuncType) -> u32 {
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

    pub fn val(&mut self, b: &mut ComponentBuilder, ty: &ValType) -> ComponentValType {
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

    /// Defines a non-primitive type; named kinds are named `name` (or a
    /// generated name) per the mode and the named index is returned.
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
        let preferred = self
            .preferred
            .iter()
            .find(|(t, n)| t == ty && !self.used.contains(n))
            .map(|(_, n)| n.clone());
        let name = match (name, preferred) {
            (Some(name), _) => name.to_string(),
            (None, Some(name)) => name,
            (None, None) => {
                self.exported += 1;
                format!("meld-t{}", self.exported - 1)
            }
        };
        let named = self.name(b, &name, index, ty);
        self.named.push((ty.clone(), named));
        named
    }
}

/// Whether `ty` must be exported before an exported function may use it.
pub fn is_named(ty: &ValType) -> bool {
    matches!(
        ty,
        ValType::Record(_) | ValType::Variant(_) | ValType::Enum(_) | ValType::Flags(_)
    )
}
