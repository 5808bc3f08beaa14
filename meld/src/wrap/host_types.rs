//! Value types of host functions inside the instance type of an imported
//! interface (`super::host`): handles refer to the instance type's own
//! resource exports (or an outer one), so compound types containing them
//! (lists, options, results, tuples, records, variants) are defined inside
//! the instance type too; records, variants, enums and flags are exported
//! there, as validation requires, under the name the input's import type
//! gives them (matched structurally, handles by resource), else under a
//! generated name (`meld-h<N>`); so are types containing any of them. Other
//! types are defined in the wrapper and aliased in.

use super::types::TypeEncoder;
use crate::plan::{Plan, ValType};
use anyhow::{Result, bail};
use wasm_encoder::{
    Alias, ComponentBuilder, ComponentOuterAliasKind, ComponentTypeRef, ComponentValType,
    InstanceType, TypeBounds,
};

/// What defining a type inside one instance type needs.
pub struct Cx<'a, 'b> {
    pub b: &'a mut ComponentBuilder,
    pub types: &'a mut TypeEncoder,
    pub plan: &'a Plan<'a>,
    /// Resources the instance type exports, with their index in it.
    pub local: &'a [(usize, u32)],
    /// Resources imported before, with their index in the wrapper.
    pub outer: &'a [(usize, u32)],
    /// The function and instance, for errors.
    pub what: (&'b str, &'b str),
    /// The named types exported so far.
    pub names: &'a mut Names,
}

/// The named types one instance type exports.
#[derive(Default)]
pub struct Names {
    /// Generated names used so far.
    generated: u32,
    /// Name and type index of each exported type.
    exported: Vec<(String, u32)>,
}

fn outer(it: &mut InstanceType, index: u32) -> u32 {
    it.alias(Alias::Outer {
        kind: ComponentOuterAliasKind::Type,
        count: 1,
        index,
    });
    it.type_count() - 1
}

/// The instance-type-level value type of `t`.
pub fn val(cx: &mut Cx, it: &mut InstanceType, t: &ValType) -> Result<ComponentValType> {
    if !t.has_handle() && !t.has_named() {
        return Ok(match cx.types.val(cx.b, t) {
            ComponentValType::Type(i) => ComponentValType::Type(outer(it, i)),
            p => p,
        });
    }
    let named = matches!(
        t,
        ValType::Record(_) | ValType::Variant(_) | ValType::Enum(_) | ValType::Flags(_)
    );
    let input_name = named.then(|| input_name(cx, t)).flatten();
    if let Some(name) = input_name
        && let Some((_, index)) = cx.names.exported.iter().find(|(n, _)| n == name)
    {
        return Ok(ComponentValType::Type(*index));
    }
    define(cx, it, t)?;
    let mut index = it.type_count() - 1;
    if named {
        let name = match input_name {
            Some(name) => name.to_string(),
            None => {
                cx.names.generated += 1;
                format!("meld-h{}", cx.names.generated - 1)
            }
        };
        it.export(&name, ComponentTypeRef::Type(TypeBounds::Eq(index)));
        index = it.type_count() - 1;
        cx.names.exported.push((name, index));
    }
    Ok(ComponentValType::Type(index))
}

/// Defines `t` (a handle, or a compound type holding handles or named
/// types) as the instance type's newest type.
fn define(cx: &mut Cx, it: &mut InstanceType, t: &ValType) -> Result<()> {
    let opt = |cx: &mut Cx, it: &mut InstanceType, t: Option<&ValType>| {
        t.map(|t| val(cx, it, t)).transpose()
    };
    match t {
        ValType::Own(u) | ValType::Borrow(u) => {
            let r = cx.plan.resource_of(*u);
            let res = match cx.local.iter().find(|(s, _)| *s == r) {
                Some((_, i)) => *i,
                None => match cx.outer.iter().find(|(s, _)| *s == r) {
                    Some((_, i)) => outer(it, *i),
                    None => {
                        let (name, instance) = cx.what;
                        bail!(
                            "host function `{name}` of `{instance}` uses a resource of an interface imported later (not supported yet)"
                        )
                    }
                },
            };
            let enc = it.ty().defined_type();
            match t {
                ValType::Own(_) => enc.own(res),
                _ => enc.borrow(res),
            }
        }
        ValType::List(e) => {
            let e = val(cx, it, e)?;
            it.ty().defined_type().list(e);
        }
        ValType::Option(e) => {
            let e = val(cx, it, e)?;
            it.ty().defined_type().option(e);
        }
        ValType::Result { ok, err } => {
            let (ok, err) = (opt(cx, it, ok.as_deref())?, opt(cx, it, err.as_deref())?);
            it.ty().defined_type().result(ok, err);
        }
        ValType::Tuple(ts) => {
            let ts = ts
                .iter()
                .map(|t| val(cx, it, t))
                .collect::<Result<Vec<_>>>()?;
            it.ty().defined_type().tuple(ts);
        }
        ValType::Record(fs) => {
            let fs = fs
                .iter()
                .map(|(n, t)| Ok((n.as_str(), val(cx, it, t)?)))
                .collect::<Result<Vec<_>>>()?;
            it.ty().defined_type().record(fs);
        }
        ValType::Variant(cs) => {
            let cs = cs
                .iter()
                .map(|(n, t)| Ok((n.as_str(), opt(cx, it, t.as_ref())?)))
                .collect::<Result<Vec<_>>>()?;
            it.ty().defined_type().variant(cs);
        }
        ValType::Enum(names) => {
            it.ty()
                .defined_type()
                .enum_type(names.iter().map(String::as_str));
        }
        ValType::Flags(names) => {
            it.ty()
                .defined_type()
                .flags(names.iter().map(String::as_str));
        }
        other => bail!("{other:?} inside an instance type (not supported yet)"),
    }
    Ok(())
}

/// The name the input's import of this instance gives the named type `t`.
fn input_name<'p>(cx: &Cx<'p, '_>, t: &ValType) -> Option<&'p str> {
    let instance = cx.what.1;
    (cx.plan.host_type_names.iter())
        .find(|(i, _, u)| i == instance && same(cx.plan, t, u))
        .map(|(_, name, _)| name.as_str())
}

/// Whether `a` and `b` are the same type, handles compared by resource
/// (the input's import types and a lowering's types use different table
/// types for the same resource).
fn same(plan: &Plan, a: &ValType, b: &ValType) -> bool {
    let resource = |t: usize| {
        plan.resource_tables
            .get(t)
            .copied()
            .flatten()
            .map(|t| t.resource)
    };
    let opt = |x: Option<&ValType>, y: Option<&ValType>| match (x, y) {
        (Some(x), Some(y)) => same(plan, x, y),
        (x, y) => x.is_none() && y.is_none(),
    };
    match (a, b) {
        (ValType::Own(x), ValType::Own(y)) | (ValType::Borrow(x), ValType::Borrow(y)) => {
            resource(*x).is_some() && resource(*x) == resource(*y)
        }
        (ValType::List(x), ValType::List(y)) | (ValType::Option(x), ValType::Option(y)) => {
            same(plan, x, y)
        }
        (ValType::Record(f), ValType::Record(g)) => {
            f.len() == g.len()
                && f.iter()
                    .zip(g)
                    .all(|((n, x), (m, y))| n == m && same(plan, x, y))
        }
        (ValType::Tuple(f), ValType::Tuple(g)) => {
            f.len() == g.len() && f.iter().zip(g).all(|(x, y)| same(plan, x, y))
        }
        (ValType::Variant(f), ValType::Variant(g)) => {
            f.len() == g.len()
                && (f.iter())
                    .zip(g)
                    .all(|((n, x), (m, y))| n == m && opt(x.as_ref(), y.as_ref()))
        }
        (ValType::Result { ok: a, err: e }, ValType::Result { ok: b, err: f }) => {
            opt(a.as_deref(), b.as_deref()) && opt(e.as_deref(), f.as_deref())
        }
        (a, b) => !a.has_handle() && a == b,
    }
}

/// Whether `ty` is or contains a record, variant, enum or flags type.
trait HasNamed {
    fn has_named(&self) -> bool;
}

impl HasNamed for ValType {
    fn has_named(&self) -> bool {
        match self {
            ValType::Record(_) | ValType::Variant(_) | ValType::Enum(_) | ValType::Flags(_) => true,
            ValType::List(t) | ValType::Option(t) => t.has_named(),
            ValType::Tuple(ts) => ts.iter().any(ValType::has_named),
            ValType::Result { ok, err } => [ok, err].into_iter().flatten().any(|t| t.has_named()),
            _ => false,
        }
    }
}
