//! Component value types for generated compositions, with the canonical
//! ABI's layout (size, alignment) and flattening of each, as the
//! [Canonical ABI](https://github.com/WebAssembly/component-model/blob/main/design/mvp/CanonicalABI.md)
//! defines them.
//!
//! Record, variant, enum and flags types are *named* (the component model
//! requires them to be imported or exported wherever a function type uses
//! them): they live in [`Types::defs`] and are referred to by index. Every
//! other type is written inline.

use arbitrary::{Result, Unstructured};

/// A component value type.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// `bool`.
    Bool,
    /// `s8`.
    S8,
    /// `u8`.
    U8,
    /// `s16`.
    S16,
    /// `u16`.
    U16,
    /// `s32`.
    S32,
    /// `u32`.
    U32,
    /// `s64`.
    S64,
    /// `u64`.
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `char`.
    Char,
    /// `string`.
    String,
    /// `list<T>`.
    List(Box<Ty>),
    /// `tuple<..>`.
    Tuple(Vec<Ty>),
    /// `option<T>`.
    Option(Box<Ty>),
    /// `result<T, E>` (either may be absent).
    Result(Option<Box<Ty>>, Option<Box<Ty>>),
    /// A named type: `Types::defs[i]`.
    Named(usize),
}

/// A named type's definition. Names are positional: fields `f<i>`, cases
/// `c<i>`, enum cases `e<i>`, flags `g<i>`.
#[derive(Debug, Clone, PartialEq)]
pub enum Def {
    /// A record of these field types.
    Record(Vec<Ty>),
    /// A variant with these cases' payloads.
    Variant(Vec<Option<Ty>>),
    /// An enum of this many cases.
    Enum(usize),
    /// Flags with this many members.
    Flags(usize),
}

/// A core wasm value type (a flattened component value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Core {
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
}

impl Core {
    /// The text-format name.
    pub fn wat(self) -> &'static str {
        match self {
            Core::I32 => "i32",
            Core::I64 => "i64",
            Core::F32 => "f32",
            Core::F64 => "f64",
        }
    }

    fn join(self, other: Core) -> Core {
        match (self, other) {
            (a, b) if a == b => a,
            (Core::I32, Core::F32) | (Core::F32, Core::I32) => Core::I32,
            _ => Core::I64,
        }
    }
}

/// The named types of one composition (every component sees all of them).
#[derive(Debug, Clone, Default)]
pub struct Types {
    /// The definitions; `Ty::Named(i)` is `defs[i]`.
    pub defs: Vec<Def>,
}

/// How much a generated type may nest.
const MAX_DEPTH: u32 = 3;

impl Types {
    /// Generates up to `max` named definitions, each using only earlier ones.
    pub fn generate(u: &mut Unstructured<'_>, max: usize) -> Result<Types> {
        let mut types = Types::default();
        let count = u.int_in_range(0..=max)?;
        for _ in 0..count {
            let def = match u.int_in_range(0..=3u8)? {
                0 => {
                    let n = u.int_in_range(1..=5)?;
                    let mut fields = Vec::new();
                    for _ in 0..n {
                        fields.push(types.ty(u, 2)?);
                    }
                    Def::Record(fields)
                }
                1 => {
                    // Up to 300 cases now and then: a two-byte discriminant.
                    let n = if u.ratio(1, 16)? {
                        u.int_in_range(250..=300)?
                    } else {
                        u.int_in_range(1..=6)?
                    };
                    let mut cases = Vec::new();
                    for _ in 0..n {
                        cases.push(if u.ratio(1, 3)? || n > 8 && !u.ratio(1, 32)? {
                            None
                        } else {
                            Some(types.ty(u, 2)?)
                        });
                    }
                    Def::Variant(cases)
                }
                2 => Def::Enum(if u.ratio(1, 8)? {
                    u.int_in_range(250..=300)?
                } else {
                    u.int_in_range(1..=5)?
                }),
                _ => Def::Flags(u.int_in_range(1..=32)?),
            };
            types.defs.push(def);
            // Named types nest without the depth limit: keep each small.
            let this = Ty::Named(types.defs.len() - 1);
            if types.flat(&this).len() > 24 || types.layout(&this).0 > 256 {
                *types.defs.last_mut().unwrap() = Def::Flags(u.int_in_range(1..=32)?);
            }
        }
        Ok(types)
    }

    /// A type nesting at most `depth` more levels, using the named types
    /// defined so far.
    pub fn ty(&self, u: &mut Unstructured<'_>, depth: u32) -> Result<Ty> {
        let depth = depth.min(MAX_DEPTH);
        let compound = depth > 0 && u.ratio(2, 5)?;
        if !compound {
            if !self.defs.is_empty() && u.ratio(1, 4)? {
                return Ok(Ty::Named(u.choose_index(self.defs.len())?));
            }
            return Ok(match u.int_in_range(0..=13u8)? {
                0 => Ty::Bool,
                1 => Ty::S8,
                2 => Ty::U8,
                3 => Ty::S16,
                4 => Ty::U16,
                5 => Ty::S32,
                6 => Ty::U32,
                7 => Ty::S64,
                8 => Ty::U64,
                9 => Ty::F32,
                10 => Ty::F64,
                11 => Ty::Char,
                _ => Ty::String,
            });
        }
        let d = depth - 1;
        Ok(match u.int_in_range(0..=3u8)? {
            0 => Ty::List(Box::new(self.ty(u, d)?)),
            1 => {
                let n = u.int_in_range(1..=4)?;
                let mut items = Vec::new();
                for _ in 0..n {
                    items.push(self.ty(u, d)?);
                }
                Ty::Tuple(items)
            }
            2 => Ty::Option(Box::new(self.ty(u, d)?)),
            _ => {
                let ok = if u.ratio(3, 4)? {
                    Some(Box::new(self.ty(u, d)?))
                } else {
                    None
                };
                let err = if u.ratio(1, 2)? {
                    Some(Box::new(self.ty(u, d)?))
                } else {
                    None
                };
                Ty::Result(ok, err)
            }
        })
    }

    /// The canonical ABI's (size, alignment) of `ty`.
    pub fn layout(&self, ty: &Ty) -> (u32, u32) {
        match ty {
            Ty::Bool | Ty::S8 | Ty::U8 => (1, 1),
            Ty::S16 | Ty::U16 => (2, 2),
            Ty::S32 | Ty::U32 | Ty::F32 | Ty::Char => (4, 4),
            Ty::S64 | Ty::U64 | Ty::F64 => (8, 8),
            Ty::String | Ty::List(_) => (8, 4),
            Ty::Tuple(items) => self.record_layout(items.iter()),
            Ty::Option(t) => self.variant_layout([None, Some(&**t)].into_iter()),
            Ty::Result(ok, err) => self.variant_layout([ok.as_deref(), err.as_deref()].into_iter()),
            Ty::Named(i) => match &self.defs[*i] {
                Def::Record(fields) => self.record_layout(fields.iter()),
                Def::Variant(cases) => self.variant_layout(cases.iter().map(|c| c.as_ref())),
                Def::Enum(n) => {
                    let d = discriminant_size(*n);
                    (d, d)
                }
                Def::Flags(n) => {
                    let s = flags_size(*n);
                    (s, s)
                }
            },
        }
    }

    fn record_layout<'a>(&self, fields: impl Iterator<Item = &'a Ty>) -> (u32, u32) {
        let (mut size, mut align) = (0, 1);
        for f in fields {
            let (s, a) = self.layout(f);
            size = align_to(size, a) + s;
            align = align.max(a);
        }
        (align_to(size, align), align)
    }

    fn variant_layout<'a>(
        &self,
        cases: impl Iterator<Item = Option<&'a Ty>> + Clone,
    ) -> (u32, u32) {
        let (offset, align) = self.payload_offset(cases.clone());
        let mut max = 0;
        for c in cases.flatten() {
            max = max.max(self.layout(c).0);
        }
        (align_to(offset + max, align), align)
    }

    /// A variant's payload offset and its alignment.
    fn payload_offset<'a>(
        &self,
        cases: impl Iterator<Item = Option<&'a Ty>> + Clone,
    ) -> (u32, u32) {
        let d = discriminant_size(cases.clone().count());
        let mut align = d;
        for c in cases.flatten() {
            align = align.max(self.layout(c).1);
        }
        (align_to(d, align), align)
    }

    /// The cases of a variant-like type (variant, enum, option, result):
    /// each case's payload type. `None` for other types.
    pub fn cases(&self, ty: &Ty) -> Option<Vec<Option<Ty>>> {
        match ty {
            Ty::Option(t) => Some(vec![None, Some((**t).clone())]),
            Ty::Result(ok, err) => Some(vec![ok.as_deref().cloned(), err.as_deref().cloned()]),
            Ty::Named(i) => match &self.defs[*i] {
                Def::Variant(cases) => Some(cases.clone()),
                Def::Enum(n) => Some(vec![None; *n]),
                _ => None,
            },
            _ => None,
        }
    }

    /// The payload offset of a variant-like type.
    pub fn variant_payload_offset(&self, cases: &[Option<Ty>]) -> u32 {
        self.payload_offset(cases.iter().map(|c| c.as_ref())).0
    }

    /// The fields of a record-like type (record, tuple).
    pub fn fields(&self, ty: &Ty) -> Option<Vec<Ty>> {
        match ty {
            Ty::Tuple(items) => Some(items.clone()),
            Ty::Named(i) => match &self.defs[*i] {
                Def::Record(fields) => Some(fields.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    /// The canonical ABI's flattening of `ty`.
    pub fn flat(&self, ty: &Ty) -> Vec<Core> {
        let mut out = Vec::new();
        self.flat_into(ty, &mut out);
        out
    }

    fn flat_into(&self, ty: &Ty, out: &mut Vec<Core>) {
        match ty {
            Ty::Bool | Ty::S8 | Ty::U8 | Ty::S16 | Ty::U16 | Ty::S32 | Ty::U32 | Ty::Char => {
                out.push(Core::I32)
            }
            Ty::S64 | Ty::U64 => out.push(Core::I64),
            Ty::F32 => out.push(Core::F32),
            Ty::F64 => out.push(Core::F64),
            Ty::String | Ty::List(_) => out.extend([Core::I32, Core::I32]),
            Ty::Named(i) if matches!(self.defs[*i], Def::Flags(_)) => out.push(Core::I32),
            _ => {
                if let Some(fields) = self.fields(ty) {
                    for f in &fields {
                        self.flat_into(f, out);
                    }
                } else {
                    let cases = self.cases(ty).expect("a variant-like type");
                    out.push(Core::I32);
                    let mut joined: Vec<Core> = Vec::new();
                    for c in cases.iter().flatten() {
                        for (i, t) in self.flat(c).into_iter().enumerate() {
                            match joined.get_mut(i) {
                                Some(j) => *j = j.join(t),
                                None => joined.push(t),
                            }
                        }
                    }
                    out.extend(joined);
                }
            }
        }
    }

    /// Whether a value of `ty` holds a string or list (the canonical
    /// options then need a memory, and the receiving side a realloc).
    pub fn has_pointers(&self, ty: &Ty) -> bool {
        match ty {
            Ty::String | Ty::List(_) => true,
            _ => {
                if let Some(fields) = self.fields(ty) {
                    fields.iter().any(|f| self.has_pointers(f))
                } else if let Some(cases) = self.cases(ty) {
                    cases.iter().flatten().any(|c| self.has_pointers(c))
                } else {
                    false
                }
            }
        }
    }
}

/// The size in bytes of the discriminant of a variant with `n` cases.
pub fn discriminant_size(n: usize) -> u32 {
    if n <= 0x100 {
        1
    } else if n <= 0x1_0000 {
        2
    } else {
        4
    }
}

/// The size in bytes of flags with `n` members (`n <= 32`).
pub fn flags_size(n: usize) -> u32 {
    if n <= 8 {
        1
    } else if n <= 16 {
        2
    } else {
        4
    }
}

/// `n` rounded up to a multiple of `align` (a power of two).
pub fn align_to(n: u32, align: u32) -> u32 {
    (n + align - 1) & !(align - 1)
}
