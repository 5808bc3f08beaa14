//! Flattening: the core values a component value is passed as on the
//! stack (the canonical ABI's `flatten_type`, with the variant join), and
//! when parameters are passed through memory instead.

use super::layout::cases;
use crate::plan::ValType;
use wasm_encoder::ValType as CoreType;

/// The most core values parameters are passed in; more are passed through
/// memory, as one pointer to a tuple of them (`MAX_FLAT_PARAMS`).
pub const MAX_FLAT_PARAMS: usize = 16;

/// Whether a function with `params` receives them through memory.
pub fn spilled(params: &[(String, ValType)]) -> bool {
    params.iter().map(|(_, t)| t.flat_len()).sum::<usize>() > MAX_FLAT_PARAMS
}

/// The most core values results are returned in; more are returned
/// through memory, as one pointer (`MAX_FLAT_RESULTS`).
pub const MAX_FLAT_RESULTS: usize = 1;

/// The core signature a function of type `ty` is lifted from (and a lower
/// of it has, less the result pointer parameter a lower adds where a lift
/// returns one): `(params, results)`.
pub fn lifted_signature(ty: &crate::plan::FuncType) -> (Vec<CoreType>, Vec<CoreType>) {
    let params = if spilled(&ty.params) {
        vec![CoreType::I32]
    } else {
        ty.params.iter().flat_map(|(_, t)| flat(t)).collect()
    };
    let results = match ty.result.as_ref().map(flat) {
        Some(r) if r.len() > MAX_FLAT_RESULTS => vec![CoreType::I32],
        Some(r) => r,
        None => Vec::new(),
    };
    (params, results)
}

/// Whether a call of `ty` passes addresses in linear memory: of strings or
/// lists anywhere in its parameters or result, of parameters passed
/// through memory, or of a result returned through memory.
pub fn passes_addresses(ty: &crate::plan::FuncType) -> bool {
    let values = ty.params.iter().map(|(_, t)| t).chain(&ty.result);
    spilled(&ty.params)
        || ty
            .result
            .as_ref()
            .is_some_and(|r| r.flat_len() > MAX_FLAT_RESULTS)
        || values.into_iter().any(ValType::has_pointer)
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

#[cfg(test)]
mod tests {
    use super::*;
    use CoreType::{F32, F64, I32, I64};

    fn variant(cases: Vec<Option<ValType>>) -> ValType {
        ValType::Variant(
            cases
                .into_iter()
                .enumerate()
                .map(|(i, t)| (format!("c{i}"), t))
                .collect(),
        )
    }

    /// Flattenings worked out by hand from the specification's
    /// `flatten_type` and `join`.
    #[test]
    fn flattening_follows_the_specification() {
        let result = |ok: ValType, err: ValType| ValType::Result {
            ok: Some(Box::new(ok)),
            err: Some(Box::new(err)),
        };
        let cases: Vec<(ValType, Vec<CoreType>)> = vec![
            (ValType::U8, vec![I32]),
            (ValType::S64, vec![I64]),
            (ValType::String, vec![I32, I32]),
            (
                ValType::Record(vec![
                    ("s".into(), ValType::String),
                    ("n".into(), ValType::U64),
                ]),
                vec![I32, I32, I64],
            ),
            // A handle joined with a u64 sits in an i64.
            (result(ValType::Own(0), ValType::U64), vec![I32, I64]),
            // i32 and f32 join into i32; f32 and f64 into i64.
            (result(ValType::F32, ValType::U32), vec![I32, I32]),
            (
                variant(vec![Some(ValType::F32), Some(ValType::F64)]),
                vec![I32, I64],
            ),
            (variant(vec![Some(ValType::F64), None]), vec![I32, F64]),
            (ValType::Option(Box::new(ValType::F32)), vec![I32, F32]),
            (
                variant(vec![Some(ValType::String), Some(ValType::F32)]),
                vec![I32, I32, I32],
            ),
            (ValType::Enum(vec!["a".into()]), vec![I32]),
        ];
        for (ty, want) in cases {
            assert_eq!(flat(&ty), want, "{ty}");
            assert_eq!(ty.flat_len(), want.len(), "{ty}");
        }
    }

    #[test]
    fn more_than_sixteen_flat_parameters_are_spilled() {
        let params = |n: usize| -> Vec<(String, ValType)> {
            (0..n).map(|i| (format!("p{i}"), ValType::U32)).collect()
        };
        assert!(!spilled(&params(16)));
        assert!(spilled(&params(17)));
        let strings: Vec<_> = (0..9).map(|i| (format!("s{i}"), ValType::String)).collect();
        assert!(spilled(&strings));
    }
}
