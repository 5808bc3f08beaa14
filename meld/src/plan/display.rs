//! How a plan prints in `meld inspect`: its instantiations, intrinsics,
//! resources and exports; value and function types in WIT syntax
//! (`func(s: string) -> list<u8>`, handles as `own<table3>`); canonical
//! options as their canonical-ABI option names.

use super::{CanonOptions, Def, FuncType, Plan, StringEncoding, ValType};
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

impl fmt::Display for Def {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Def::Export {
                instance,
                kind,
                index,
            } => write!(f, "instance{instance}.{kind:?}[{index}]"),
            Def::InstanceFlags(i) => write!(f, "flags(component-instance{i})"),
            Def::Intrinsic(i) => write!(f, "intrinsic{i}"),
        }
    }
}

impl fmt::Display for Plan<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "component instances: {}", self.component_instances)?;
        writeln!(f, "modules:")?;
        for (i, m) in self.modules.iter().enumerate() {
            let kind = if m.adapter { "adapter" } else { "module" };
            writeln!(f, "  module{i}: {kind}, {} bytes", m.bytes.len())?;
        }
        writeln!(f, "core instances (in instantiation order):")?;
        for (i, inst) in self.instances.iter().enumerate() {
            let owner = match inst.component_instance {
                Some(c) => format!("component-instance{c}"),
                None => "adapter".to_string(),
            };
            writeln!(f, "  instance{i} = module{} ({owner})", inst.module)?;
            for (j, arg) in inst.args.iter().enumerate() {
                writeln!(f, "    import {j} <- {arg}")?;
            }
        }
        writeln!(f, "intrinsics:")?;
        for (i, intr) in self.intrinsics.iter().enumerate() {
            writeln!(f, "  intrinsic{i}: {intr:?}")?;
        }
        for (label, defs) in [
            ("memories", &self.memories),
            ("reallocs", &self.reallocs),
            ("post-returns", &self.post_returns),
        ] {
            writeln!(f, "{label}:")?;
            for (i, d) in defs.iter().enumerate() {
                writeln!(f, "  {i}: {d}")?;
            }
        }
        writeln!(f, "host imports:")?;
        for (i, h) in self.host_imports.iter().enumerate() {
            let from = h.instance.as_deref().unwrap_or("<root>");
            writeln!(
                f,
                "  host{i}: {from} {}: {} with {}",
                h.name, h.ty, h.options
            )?;
        }
        writeln!(f, "resources:")?;
        for (r, res) in self.resources.iter().enumerate() {
            let name = res.name.as_deref().unwrap_or("<unnamed>");
            let dtor = match &res.dtor {
                Some(d) => d.to_string(),
                None => "none".to_string(),
            };
            let mut holders: Vec<u32> = self
                .resource_tables
                .iter()
                .flatten()
                .filter(|t| t.resource == r && t.used)
                .map(|t| t.instance)
                .collect();
            holders.sort_unstable();
            holders.dedup();
            let holders = holders
                .iter()
                .map(|i| format!("component-instance{i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let definer = match res.instance {
                Some(i) => format!("component-instance{i}"),
                None => "the host".to_string(),
            };
            writeln!(
                f,
                "  resource{r} {name}: defined by {definer}, destructor {dtor}, opaque reps: {}, held in tables of [{holders}]",
                if res.opaque { "yes" } else { "no" },
            )?;
        }
        writeln!(f, "root type exports:")?;
        for (name, ty) in &self.type_exports {
            writeln!(f, "  {name}: {ty}")?;
        }
        for (name, table) in &self.resource_exports {
            writeln!(f, "  {name}: resource (table type {table})")?;
        }
        writeln!(f, "root exports:")?;
        for e in &self.exports {
            writeln!(
                f,
                "  {}: {} = lift {} with {}",
                e.name, e.ty, e.func, e.options
            )?;
        }
        Ok(())
    }
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
