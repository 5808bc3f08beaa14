//! Values of generated types: drawn from fuzz input as wasmtime [`Val`]s,
//! and written the way a component returns them, either in linear memory
//! ([`Image::store`], with the canonical ABI's layout and the chosen string
//! encoding) or as one flat core value ([`flat`]).

use super::types::{Core, Def, Ty, Types, align_to, discriminant_size, flags_size};
use arbitrary::{Result, Unstructured};
use wasmtime::component::Val;

/// A canonical option `string-encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// `utf8`.
    Utf8,
    /// `utf16`.
    Utf16,
    /// `latin1+utf16`: Latin-1 when every char fits, else UTF-16 with the
    /// length's top bit set.
    CompactUtf16,
}

impl Encoding {
    /// The text-format option.
    pub fn wat(self) -> &'static str {
        match self {
            Encoding::Utf8 => "string-encoding=utf8",
            Encoding::Utf16 => "string-encoding=utf16",
            Encoding::CompactUtf16 => "string-encoding=latin1+utf16",
        }
    }

    /// One of the three.
    pub fn arbitrary(u: &mut Unstructured<'_>) -> Result<Self> {
        Ok(*u.choose(&[Encoding::Utf8, Encoding::Utf16, Encoding::CompactUtf16])?)
    }
}

/// A string drawn from `u`: mostly short, sometimes long; ASCII, Latin-1,
/// the rest of the BMP and supplementary planes mixed in varying shares.
pub fn string(u: &mut Unstructured<'_>, budget: &mut u32) -> Result<String> {
    let max = if u.ratio(1, 10)? { 600 } else { 12 };
    let len = u.int_in_range(0..=max)?.min(*budget);
    *budget -= len;
    let class_max = *u.choose(&[0u8, 1, 1, 2, 3])?;
    let mut s = String::new();
    for _ in 0..len {
        let c = match u.int_in_range(0..=class_max)? {
            0 => u.int_in_range(0x20..=0x7e)?,
            1 => u.int_in_range(0x00..=0xff)?,
            2 => *u.choose(&[0x100, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x3b1])?,
            _ => u.int_in_range(0x1_0000..=0x10_ffff)?,
        };
        s.push(char::from_u32(c).unwrap_or('?'));
    }
    Ok(s)
}

/// A `char`, edges of the scalar-value ranges included.
pub fn char(u: &mut Unstructured<'_>) -> Result<char> {
    let c = if u.ratio(1, 3)? {
        *u.choose(&[
            0, 0x7f, 0x80, 0xff, 0xd7ff, 0xe000, 0xffff, 0x1_0000, 0x10_ffff,
        ])?
    } else {
        u.int_in_range(0..=0x10_ffff)?
    };
    Ok(char::from_u32(c).unwrap_or('\u{fffd}'))
}

/// An `f32` from raw bits, with zeros, infinities and NaNs now and then.
pub fn f32(u: &mut Unstructured<'_>) -> Result<f32> {
    Ok(if u.ratio(1, 4)? {
        *u.choose(&[
            0.0,
            -0.0,
            1.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            f32::MIN_POSITIVE,
        ])?
    } else {
        f32::from_bits(u.arbitrary()?)
    })
}

/// An `f64` as [`f32`] does.
pub fn f64(u: &mut Unstructured<'_>) -> Result<f64> {
    Ok(if u.ratio(1, 4)? {
        *u.choose(&[
            0.0,
            -0.0,
            1.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE,
        ])?
    } else {
        f64::from_bits(u.arbitrary()?)
    })
}

/// The number of elements of a list value drawn from `u`.
pub fn list_len(u: &mut Unstructured<'_>, budget: &mut u32) -> Result<u32> {
    let max = if u.ratio(1, 12)? { 200 } else { 4 };
    let n = u.int_in_range(0..=max)?.min(*budget);
    *budget -= n;
    Ok(n)
}

/// A value of `ty` drawn from `u`; `budget` bounds the string chars and
/// list elements in it.
pub fn value(types: &Types, u: &mut Unstructured<'_>, ty: &Ty, budget: &mut u32) -> Result<Val> {
    Ok(match ty {
        Ty::Bool => Val::Bool(u.arbitrary()?),
        Ty::S8 => Val::S8(u.arbitrary()?),
        Ty::U8 => Val::U8(u.arbitrary()?),
        Ty::S16 => Val::S16(u.arbitrary()?),
        Ty::U16 => Val::U16(u.arbitrary()?),
        Ty::S32 => Val::S32(u.arbitrary()?),
        Ty::U32 => Val::U32(u.arbitrary()?),
        Ty::S64 => Val::S64(u.arbitrary()?),
        Ty::U64 => Val::U64(u.arbitrary()?),
        Ty::F32 => Val::Float32(f32(u)?),
        Ty::F64 => Val::Float64(f64(u)?),
        Ty::Char => Val::Char(char(u)?),
        Ty::String => Val::String(string(u, budget)?),
        Ty::List(elem) => {
            let n = list_len(u, budget)?;
            let mut items = Vec::new();
            for _ in 0..n {
                items.push(value(types, u, elem, budget)?);
            }
            Val::List(items)
        }
        Ty::Tuple(items) => {
            let mut out = Vec::new();
            for t in items {
                out.push(value(types, u, t, budget)?);
            }
            Val::Tuple(out)
        }
        Ty::Option(t) => Val::Option(if u.arbitrary()? {
            Some(Box::new(value(types, u, t, budget)?))
        } else {
            None
        }),
        Ty::Result(ok, err) => {
            let payload = |u: &mut Unstructured<'_>,
                           t: &Option<Box<Ty>>,
                           budget: &mut u32|
             -> Result<Option<Box<Val>>> {
                Ok(match t {
                    Some(t) => Some(Box::new(value(types, u, t, budget)?)),
                    None => None,
                })
            };
            Val::Result(if u.arbitrary()? {
                Ok(payload(u, ok, budget)?)
            } else {
                Err(payload(u, err, budget)?)
            })
        }
        Ty::Named(i) => match &types.defs[*i] {
            Def::Record(fields) => {
                let mut out = Vec::new();
                for (k, t) in fields.iter().enumerate() {
                    out.push((format!("f{k}"), value(types, u, t, budget)?));
                }
                Val::Record(out)
            }
            Def::Variant(cases) => {
                let k = u.choose_index(cases.len())?;
                let payload = match &cases[k] {
                    Some(t) => Some(Box::new(value(types, u, t, budget)?)),
                    None => None,
                };
                Val::Variant(format!("c{k}"), payload)
            }
            Def::Enum(n) => Val::Enum(format!("e{}", u.choose_index(*n)?)),
            Def::Flags(n) => {
                let mut names = Vec::new();
                for k in 0..*n {
                    if u.arbitrary()? {
                        names.push(format!("g{k}"));
                    }
                }
                Val::Flags(names)
            }
        },
    })
}

/// The case index a variant-like value is in.
fn case_index(val: &Val) -> usize {
    match val {
        Val::Option(None) => 0,
        Val::Option(Some(_)) => 1,
        Val::Result(Ok(_)) => 0,
        Val::Result(Err(_)) => 1,
        Val::Variant(name, _) => name[1..].parse().expect("c<i>"),
        Val::Enum(name) => name[1..].parse().expect("e<i>"),
        other => panic!("not a variant-like value: {other:?}"),
    }
}

/// The payload of a variant-like value.
fn payload(val: &Val) -> Option<&Val> {
    match val {
        Val::Option(p) => p.as_deref(),
        Val::Result(Ok(p)) | Val::Result(Err(p)) => p.as_deref(),
        Val::Variant(_, p) => p.as_deref(),
        _ => None,
    }
}

/// The bit mask of a flags value.
fn flag_bits(val: &Val) -> u32 {
    match val {
        Val::Flags(names) => names
            .iter()
            .map(|n| 1u32 << n[1..].parse::<u32>().expect("g<i>"))
            .fold(0, |a, b| a | b),
        other => panic!("not flags: {other:?}"),
    }
}

/// The fields of a record-like value.
fn field_values(val: &Val) -> Vec<&Val> {
    match val {
        Val::Tuple(items) => items.iter().collect(),
        Val::Record(fields) => fields.iter().map(|(_, v)| v).collect(),
        other => panic!("not record-like: {other:?}"),
    }
}

/// A static image of linear memory starting at `base`: what a data segment
/// writes.
#[derive(Debug, Clone)]
pub struct Image {
    /// Where the image starts in memory.
    pub base: u32,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl Image {
    /// An empty image at `base`.
    pub fn new(base: u32) -> Self {
        Image {
            base,
            bytes: Vec::new(),
        }
    }

    /// The first address past the image.
    pub fn end(&self) -> u32 {
        self.base + self.bytes.len() as u32
    }

    /// Reserves `size` zeroed bytes aligned to `align`; returns the address.
    pub fn alloc(&mut self, size: u32, align: u32) -> u32 {
        let addr = align_to(self.end(), align);
        self.bytes.resize((addr + size - self.base) as usize, 0);
        addr
    }

    fn write(&mut self, addr: u32, data: &[u8]) {
        let at = (addr - self.base) as usize;
        self.bytes[at..at + data.len()].copy_from_slice(data);
    }

    fn write_uint(&mut self, addr: u32, value: u64, size: u32) {
        self.write(addr, &value.to_le_bytes()[..size as usize]);
    }

    /// Stores `val` (of type `ty`) at `addr` (reserved, aligned), allocating
    /// strings and lists behind the image, strings in `encoding`.
    pub fn store(&mut self, types: &Types, ty: &Ty, val: &Val, addr: u32, encoding: Encoding) {
        match (ty, val) {
            (Ty::Bool, Val::Bool(b)) => self.write_uint(addr, *b as u64, 1),
            (Ty::S8, Val::S8(v)) => self.write_uint(addr, *v as u8 as u64, 1),
            (Ty::U8, Val::U8(v)) => self.write_uint(addr, *v as u64, 1),
            (Ty::S16, Val::S16(v)) => self.write_uint(addr, *v as u16 as u64, 2),
            (Ty::U16, Val::U16(v)) => self.write_uint(addr, *v as u64, 2),
            (Ty::S32, Val::S32(v)) => self.write_uint(addr, *v as u32 as u64, 4),
            (Ty::U32, Val::U32(v)) => self.write_uint(addr, *v as u64, 4),
            (Ty::S64, Val::S64(v)) => self.write_uint(addr, *v as u64, 8),
            (Ty::U64, Val::U64(v)) => self.write_uint(addr, *v, 8),
            (Ty::F32, Val::Float32(v)) => self.write_uint(addr, v.to_bits() as u64, 4),
            (Ty::F64, Val::Float64(v)) => self.write_uint(addr, v.to_bits(), 8),
            (Ty::Char, Val::Char(c)) => self.write_uint(addr, *c as u64, 4),
            (Ty::String, Val::String(s)) => {
                let (bytes, len, align) = encode_string(s, encoding);
                let ptr = self.alloc(bytes.len() as u32, align);
                self.write(ptr, &bytes);
                self.write_uint(addr, ptr as u64, 4);
                self.write_uint(addr + 4, len as u64, 4);
            }
            (Ty::List(elem), Val::List(items)) => {
                let (size, align) = types.layout(elem);
                let ptr = self.alloc(size * items.len() as u32, align);
                for (i, item) in items.iter().enumerate() {
                    self.store(types, elem, item, ptr + size * i as u32, encoding);
                }
                self.write_uint(addr, ptr as u64, 4);
                self.write_uint(addr + 4, items.len() as u64, 4);
            }
            (Ty::Named(i), val) if matches!(types.defs[*i], Def::Flags(_)) => {
                let Def::Flags(n) = types.defs[*i] else {
                    unreachable!()
                };
                self.write_uint(addr, flag_bits(val) as u64, flags_size(n));
            }
            (ty, val) => {
                if let Some(fields) = types.fields(ty) {
                    let mut offset = 0;
                    for (f, v) in fields.iter().zip(field_values(val)) {
                        let (size, align) = types.layout(f);
                        offset = align_to(offset, align);
                        self.store(types, f, v, addr + offset, encoding);
                        offset += size;
                    }
                } else {
                    let cases = types.cases(ty).expect("variant-like");
                    let k = case_index(val);
                    self.write_uint(addr, k as u64, discriminant_size(cases.len()));
                    if let (Some(t), Some(p)) = (&cases[k], payload(val)) {
                        let offset = types.variant_payload_offset(&cases);
                        self.store(types, t, p, addr + offset, encoding);
                    }
                }
            }
        }
    }
}

/// A string's bytes, its length as the canonical ABI records it, and its
/// alignment, in `encoding`.
pub fn encode_string(s: &str, encoding: Encoding) -> (Vec<u8>, u32, u32) {
    let utf16 = || -> (Vec<u8>, u32) {
        let units: Vec<u16> = s.encode_utf16().collect();
        (
            units.iter().flat_map(|u| u.to_le_bytes()).collect(),
            units.len() as u32,
        )
    };
    match encoding {
        Encoding::Utf8 => (s.as_bytes().to_vec(), s.len() as u32, 1),
        Encoding::Utf16 => {
            let (bytes, len) = utf16();
            (bytes, len, 2)
        }
        Encoding::CompactUtf16 => {
            if s.chars().all(|c| (c as u32) < 0x100) {
                let bytes: Vec<u8> = s.chars().map(|c| c as u8).collect();
                let len = bytes.len() as u32;
                (bytes, len, 2)
            } else {
                let (bytes, len) = utf16();
                (bytes, len | 1 << 31, 2)
            }
        }
    }
}

/// A flat core value (floats as their bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flat {
    /// An `i32`.
    I32(u32),
    /// An `i64`.
    I64(u64),
    /// An `f32`'s bits.
    F32(u32),
    /// An `f64`'s bits.
    F64(u64),
}

impl Flat {
    /// A text-format instruction sequence pushing this value.
    pub fn wat(self) -> String {
        match self {
            Flat::I32(v) => format!("(i32.const {})", v as i32),
            Flat::I64(v) => format!("(i64.const {})", v as i64),
            Flat::F32(v) => format!("(f32.reinterpret_i32 (i32.const {}))", v as i32),
            Flat::F64(v) => format!("(f64.reinterpret_i64 (i64.const {}))", v as i64),
        }
    }

    fn zero(core: Core) -> Flat {
        match core {
            Core::I32 => Flat::I32(0),
            Core::I64 => Flat::I64(0),
            Core::F32 => Flat::F32(0),
            Core::F64 => Flat::F64(0),
        }
    }

    /// This value converted to the joined type `to` (the canonical ABI's
    /// variant flattening).
    fn coerce(self, to: Core) -> Flat {
        match (self, to) {
            (Flat::I32(v), Core::I32) | (Flat::F32(v), Core::I32) => Flat::I32(v),
            (Flat::I32(v), Core::I64) | (Flat::F32(v), Core::I64) => Flat::I64(v as u64),
            (Flat::I64(v), Core::I64) | (Flat::F64(v), Core::I64) => Flat::I64(v),
            (v, _) => v,
        }
    }
}

/// The flat core values of `val` (of type `ty`, which holds no strings or
/// lists).
pub fn flat(types: &Types, ty: &Ty, val: &Val) -> Vec<Flat> {
    let mut out = Vec::new();
    flat_into(types, ty, val, &mut out);
    out
}

fn flat_into(types: &Types, ty: &Ty, val: &Val, out: &mut Vec<Flat>) {
    match (ty, val) {
        (Ty::Bool, Val::Bool(b)) => out.push(Flat::I32(*b as u32)),
        (Ty::S8, Val::S8(v)) => out.push(Flat::I32(*v as i32 as u32)),
        (Ty::U8, Val::U8(v)) => out.push(Flat::I32(*v as u32)),
        (Ty::S16, Val::S16(v)) => out.push(Flat::I32(*v as i32 as u32)),
        (Ty::U16, Val::U16(v)) => out.push(Flat::I32(*v as u32)),
        (Ty::S32, Val::S32(v)) => out.push(Flat::I32(*v as u32)),
        (Ty::U32, Val::U32(v)) => out.push(Flat::I32(*v)),
        (Ty::S64, Val::S64(v)) => out.push(Flat::I64(*v as u64)),
        (Ty::U64, Val::U64(v)) => out.push(Flat::I64(*v)),
        (Ty::F32, Val::Float32(v)) => out.push(Flat::F32(v.to_bits())),
        (Ty::F64, Val::Float64(v)) => out.push(Flat::F64(v.to_bits())),
        (Ty::Char, Val::Char(c)) => out.push(Flat::I32(*c as u32)),
        (Ty::String | Ty::List(_), _) => panic!("flat() of a value in memory"),
        (Ty::Named(i), val) if matches!(types.defs[*i], Def::Flags(_)) => {
            out.push(Flat::I32(flag_bits(val)))
        }
        (ty, val) => {
            if let Some(fields) = types.fields(ty) {
                for (f, v) in fields.iter().zip(field_values(val)) {
                    flat_into(types, f, v, out);
                }
            } else {
                let cases = types.cases(ty).expect("variant-like");
                let k = case_index(val);
                out.push(Flat::I32(k as u32));
                let joined = types.flat(ty)[1..].to_vec();
                let mut payload_flat = Vec::new();
                if let (Some(t), Some(p)) = (&cases[k], payload(val)) {
                    flat_into(types, t, p, &mut payload_flat);
                }
                for (i, core) in joined.into_iter().enumerate() {
                    out.push(
                        payload_flat
                            .get(i)
                            .map_or(Flat::zero(core), |v| v.coerce(core)),
                    );
                }
            }
        }
    }
}
