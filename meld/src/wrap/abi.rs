//! The canonical ABI's layout of component values, as far as the boundary
//! shims need it: flattened core types (with the variant join) and the
//! size, alignment and field offsets of values in linear memory
//! (<https://github.com/WebAssembly/component-model/blob/main/design/mvp/CanonicalABI.md>).
//! Fixed-length lists, futures and streams are not in [`ValType`].

use crate::plan::ValType;
use wasm_encoder::ValType as CoreType;

/// The cases of a variant-like type (variant, option, result, enum), with
/// their payloads; `None` for other types.
pub fn cases(ty: &ValType) -> Option<Vec<Option<&ValType>>> {
    Some(match ty {
        ValType::Variant(cs) => cs.iter().map(|(_, t)| t.as_ref()).collect(),
        ValType::Option(t) => vec![None, Some(&**t)],
        ValType::Result { ok, err } => vec![ok.as_deref(), err.as_deref()],
        ValType::Enum(names) => vec![None; names.len()],
        _ => return None,
    })
}

/// The most core values parameters are passed in; more are passed through
/// memory, as one pointer to a tuple of them (`MAX_FLAT_PARAMS`).
pub const MAX_FLAT_PARAMS: usize = 16;

/// Whether a function with `params` receives them through memory.
pub fn spilled(params: &[(String, ValType)]) -> bool {
    params.iter().map(|(_, t)| t.flat_len()).sum::<usize>() > MAX_FLAT_PARAMS
}

/// The flattened core types of `ty`.
pub fn flat(ty: &ValType) -> Vec<CoreType> {
    use CoreType::{F32, F64, I32, I64};
    match ty {
        ValType::S64 | ValType::U64 => vec![I64],
        ValType::F32 => vec![F32],
        ValType::F64 => vec![F64],
        ValType::String | ValType::List(_) => vec![I32, I32],
        ValType::Record(fs) => fs.iter().flat_map(|(_, t)| flat(t)).collect(),
        ValType::Tuple(ts) => ts.iter().flat_map(flat).collect(),
        ValType::Flags(names) => vec![I32; names.len().div_ceil(32)],
        ValType::Variant(_) | ValType::Option(_) | ValType::Result { .. } => {
            let mut joined: Vec<CoreType> = Vec::new();
            for case in cases(ty).expect("variant-like").into_iter().flatten() {
                for (i, t) in flat(case).into_iter().enumerate() {
                    match joined.get(i) {
                        None => joined.push(t),
                        Some(&j) if j == t => {}
                        Some(&j) if matches!((j, t), (I32, F32) | (F32, I32)) => joined[i] = I32,
                        Some(_) => joined[i] = I64,
                    }
                }
            }
            std::iter::once(I32).chain(joined).collect()
        }
        _ => vec![I32],
    }
}

/// Size and alignment in linear memory.
pub fn size_align(ty: &ValType) -> (u32, u32) {
    match ty {
        ValType::Bool | ValType::S8 | ValType::U8 => (1, 1),
        ValType::S16 | ValType::U16 => (2, 2),
        ValType::S64 | ValType::U64 | ValType::F64 => (8, 8),
        ValType::String | ValType::List(_) => (8, 4),
        ValType::Record(fs) => fields(fs.iter().map(|(_, t)| t)).1,
        ValType::Tuple(ts) => fields(ts.iter()).1,
        ValType::Flags(names) => match names.len() {
            0 => (0, 1),
            n if n <= 8 => (1, 1),
            n if n <= 16 => (2, 2),
            n => (4 * n.div_ceil(32) as u32, 4),
        },
        ValType::Variant(_) | ValType::Option(_) | ValType::Result { .. } | ValType::Enum(_) => {
            let cs = cases(ty).expect("variant-like");
            let (payload, align) = payload(&cs);
            let max = cs
                .iter()
                .flatten()
                .map(|t| size_align(t).0)
                .max()
                .unwrap_or(0);
            (align_to(payload + max, align), align)
        }
        _ => (4, 4),
    }
}

/// The offsets of consecutive fields, and the size and alignment of the
/// whole.
pub fn fields<'a>(tys: impl Iterator<Item = &'a ValType>) -> (Vec<u32>, (u32, u32)) {
    let mut offsets = Vec::new();
    let (mut size, mut align) = (0, 1);
    for t in tys {
        let (s, a) = size_align(t);
        size = align_to(size, a);
        offsets.push(size);
        size += s;
        align = align.max(a);
    }
    (offsets, (align_to(size, align), align))
}

/// The discriminant's size in bytes for `n` cases.
pub fn disc_size(n: usize) -> u32 {
    match n {
        0..=256 => 1,
        257..=65536 => 2,
        _ => 4,
    }
}

/// The payload's offset and the whole's alignment of a variant-like type.
pub fn payload(cases: &[Option<&ValType>]) -> (u32, u32) {
    let disc = disc_size(cases.len());
    let align = cases
        .iter()
        .flatten()
        .map(|t| size_align(t).1)
        .fold(disc, u32::max);
    (align_to(disc, align), align)
}

fn align_to(n: u32, align: u32) -> u32 {
    n.div_ceil(align) * align
}
