//! How plan types print in `meld inspect`: value and function types in WIT
//! syntax (`func(s: string) -> list<u8>`, handles as `own<table3>`), and
//! canonical options as their canonical-ABI option names.

use super::{CanonOptions, FuncType, StringEncoding, ValType};
use std::fmt;

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValType::Bool => f.write_str("bool"),
            ValType::S8 => f.write_str("s8"),
            ValType::U8 => f.write_str("u8"),
            ValType::S16 => f.write_str("s16"),
            ValType::U16 => f.write_str("u16"),
            ValType::S32 => f.write_str("s32"),
            ValType::U32 => f.write_str("u32"),
            ValType::S64 => f.write_str("s64"),
            ValType::U64 => f.write_str("u64"),
            ValType::F32 => f.write_str("f32"),
            ValType::F64 => f.write_str("f64"),
            ValType::Char => f.write_str("char"),
            ValType::String => f.write_str("string"),
            ValType::List(t) => write!(f, "list<{t}>"),
            ValType::Option(t) => write!(f, "option<{t}>"),
            ValType::Tuple(ts) => {
                f.write_str("tuple<")?;
                comma_separated(f, ts.iter().map(|t| t as &dyn fmt::Display))?;
                f.write_str(">")
            }
            ValType::Record(fields) => {
                f.write_str("record { ")?;
                let fields: Vec<String> = fields.iter().map(|(n, t)| format!("{n}: {t}")).collect();
                comma_separated(f, fields.iter().map(|s| s as &dyn fmt::Display))?;
                f.write_str(" }")
            }
            ValType::Variant(cases) => {
                f.write_str("variant { ")?;
                let cases: Vec<String> = cases
                    .iter()
                    .map(|(n, t)| match t {
                        Some(t) => format!("{n}({t})"),
                        None => n.clone(),
                    })
                    .collect();
                comma_separated(f, cases.iter().map(|s| s as &dyn fmt::Display))?;
                f.write_str(" }")
            }
            ValType::Enum(names) => {
                f.write_str("enum { ")?;
                comma_separated(f, names.iter().map(|s| s as &dyn fmt::Display))?;
                f.write_str(" }")
            }
            ValType::Flags(names) => {
                f.write_str("flags { ")?;
                comma_separated(f, names.iter().map(|s| s as &dyn fmt::Display))?;
                f.write_str(" }")
            }
            ValType::Result { ok, err } => match (ok, err) {
                (None, None) => f.write_str("result"),
                (Some(ok), None) => write!(f, "result<{ok}>"),
                (None, Some(err)) => write!(f, "result<_, {err}>"),
                (Some(ok), Some(err)) => write!(f, "result<{ok}, {err}>"),
            },
            ValType::Own(table) => write!(f, "own<table{table}>"),
            ValType::Borrow(table) => write!(f, "borrow<table{table}>"),
        }
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("func(")?;
        let params: Vec<String> = self
            .params
            .iter()
            .map(|(n, t)| format!("{n}: {t}"))
            .collect();
        comma_separated(f, params.iter().map(|s| s as &dyn fmt::Display))?;
        f.write_str(")")?;
        match &self.result {
            Some(t) => write!(f, " -> {t}"),
            None => Ok(()),
        }
    }
}

impl fmt::Display for CanonOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.string_encoding {
            StringEncoding::Utf8 => "string-encoding=utf8",
            StringEncoding::Utf16 => "string-encoding=utf16",
            StringEncoding::CompactUtf16 => "string-encoding=latin1+utf16",
        })?;
        if let Some(m) = self.memory {
            write!(f, " memory{m}")?;
        }
        if let Some(r) = self.realloc {
            write!(f, " realloc{r}")?;
        }
        if let Some(p) = self.post_return {
            write!(f, " post-return{p}")?;
        }
        Ok(())
    }
}

fn comma_separated<'a>(
    f: &mut fmt::Formatter<'_>,
    items: impl Iterator<Item = &'a dyn fmt::Display>,
) -> fmt::Result {
    for (i, item) in items.enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_print_as_wit() {
        let ty = FuncType {
            params: vec![
                ("s".into(), ValType::String),
                (
                    "r".into(),
                    ValType::Record(vec![
                        ("a".into(), ValType::U32),
                        ("b".into(), ValType::List(Box::new(ValType::Own(2)))),
                    ]),
                ),
            ],
            result: Some(ValType::Result {
                ok: None,
                err: Some(Box::new(ValType::Variant(vec![
                    ("x".into(), None),
                    ("y".into(), Some(ValType::F64)),
                ]))),
            }),
        };
        assert_eq!(
            ty.to_string(),
            "func(s: string, r: record { a: u32, b: list<own<table2>> }) -> result<_, variant { x, y(f64) }>"
        );
        let opts = CanonOptions {
            string_encoding: StringEncoding::CompactUtf16,
            memory: Some(0),
            realloc: Some(1),
            post_return: None,
        };
        assert_eq!(
            opts.to_string(),
            "string-encoding=latin1+utf16 memory0 realloc1"
        );
    }
}
