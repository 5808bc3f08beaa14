//! Where component values live in linear memory (the canonical ABI's
//! `elem_size`, `alignment` and field offsets), and how variant-like types
//! are laid out: discriminant size, payload offset, cases.
//!
//! Fixed-length lists, maps, futures and streams are not in [`ValType`],
//! so they have no layout here.

use crate::plan::ValType;

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

#[cfg(test)]
mod tests {
    use super::*;
    use ValType::*;

    fn rec(fields: &[ValType]) -> ValType {
        Record(
            fields
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("f{i}"), t.clone()))
                .collect(),
        )
    }

    /// Sizes and alignments worked out by hand from the specification's
    /// `elem_size` / `alignment` definitions.
    #[test]
    fn sizes_and_alignments_follow_the_specification() {
        let cases: Vec<(ValType, (u32, u32))> = vec![
            (Bool, (1, 1)),
            (U16, (2, 2)),
            (Char, (4, 4)),
            (F64, (8, 8)),
            (String, (8, 4)),
            (List(Box::new(U64)), (8, 4)),
            (Own(0), (4, 4)),
            // u8 at 0, u32 at 4.
            (rec(&[U8, U32]), (8, 4)),
            // u8 at 0, u64 at 8.
            (Tuple(vec![U8, U64]), (16, 8)),
            // u8 at 0, u16 at 2, u8 at 4, padded to 6.
            (rec(&[U8, U16, U8]), (6, 2)),
            (rec(&[]), (0, 1)),
            // A 1-byte discriminant, the payload at the payload's alignment.
            (Option(Box::new(U32)), (8, 4)),
            (Option(Box::new(U8)), (2, 1)),
            (
                Result {
                    ok: Some(Box::new(U8)),
                    err: Some(Box::new(U64)),
                },
                (16, 8),
            ),
            (
                Result {
                    ok: None,
                    err: None,
                },
                (1, 1),
            ),
            (Enum(vec!["a".into(), "b".into()]), (1, 1)),
            // 257 cases need a 2-byte discriminant.
            (Enum((0..257).map(|i| format!("c{i}")).collect()), (2, 2)),
            (Flags((0..8).map(|i| format!("f{i}")).collect()), (1, 1)),
            (Flags((0..9).map(|i| format!("f{i}")).collect()), (2, 2)),
            (Flags((0..17).map(|i| format!("f{i}")).collect()), (4, 4)),
            (Flags((0..32).map(|i| format!("f{i}")).collect()), (4, 4)),
        ];
        for (ty, want) in cases {
            assert_eq!(size_align(&ty), want, "{ty}");
        }
    }

    #[test]
    fn field_offsets_and_payloads() {
        assert_eq!(
            fields([U8, U16, U8, U64].iter()),
            (vec![0, 2, 4, 8], (16, 8))
        );
        assert_eq!(payload(&[None, Some(&U64)]), (8, 8));
        assert_eq!(payload(&[None, None]), (1, 1));
        assert_eq!(disc_size(256), 1);
        assert_eq!(disc_size(257), 2);
        assert_eq!(disc_size(65537), 4);
    }
}
