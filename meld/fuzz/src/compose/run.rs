//! The differential oracle: a component and its fused form, compiled and
//! instantiated under wasmtime with no imports, every exported function
//! called with the same arguments, results compared as wasmtime [`Val`]s.
//!
//! For each exported function (root or inside an exported instance) both
//! sides get a fresh instance; the function is called twice, then every
//! export whose name starts with `digest` (the generated compositions'
//! observers of each component's memory and call history) is called. The
//! two sides must agree on whether instantiation traps, on each call's
//! result or trap-or-not, and on every digest. Arguments are drawn from the
//! function's type ([`host_value`]), so any component without imports can
//! be checked, not only generated ones.
//!
//! Fuel bounds each instantiation and call (wasm-smith bodies may loop).
//! Running out of fuel or stack on either side makes the rest of that
//! input inconclusive rather than a difference: the fused code's cost and
//! depth legitimately differ.

use crate::finding::Finding;
use arbitrary::Unstructured;
use std::sync::OnceLock;
use wasmtime::component::types::{ComponentFunc, ComponentItem};
use wasmtime::component::{Component, Instance, Linker, Type, Val};
use wasmtime::{Config, Engine, Store, Trap};

/// Fuel for one instantiation or call.
const FUEL: u64 = 20_000_000;

/// The engine: component model and multi-memory on (as meld's tests), fuel
/// metering, and no optimisation (compiling is most of the time spent).
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = Config::new();
        config
            .wasm_component_model(true)
            .wasm_multi_memory(true)
            .consume_fuel(true)
            .cranelift_opt_level(wasmtime::OptLevel::None);
        Engine::new(&config).expect("a wasmtime engine")
    })
}

/// What one differential run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The composed component compiled under wasmtime.
    pub compiled: bool,
    /// Exported functions called (on both sides).
    pub calls: usize,
    /// Calls that trapped (on both sides).
    pub traps: usize,
    /// Stopped early: fuel or stack ran out on one side.
    pub inconclusive: bool,
}

/// An exported function: the instance export it is in (`None`: the root),
/// its name and its type.
struct Export {
    scope: Option<String>,
    name: String,
    ty: ComponentFunc,
}

fn exports(component: &Component) -> Vec<Export> {
    let engine = engine();
    let mut out = Vec::new();
    for (name, item) in component.component_type().exports(engine) {
        match item.ty {
            ComponentItem::ComponentFunc(ty) => out.push(Export {
                scope: None,
                name: name.to_string(),
                ty,
            }),
            ComponentItem::ComponentInstance(instance) => {
                for (inner, item) in instance.exports(engine) {
                    if let ComponentItem::ComponentFunc(ty) = item.ty {
                        out.push(Export {
                            scope: Some(name.to_string()),
                            name: inner.to_string(),
                            ty,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// One side's live instance.
struct Side {
    store: Store<()>,
    instance: Instance,
}

/// How a call or instantiation ended.
enum End<T> {
    Ok(T),
    /// A trap or other error: its text.
    Trap(String),
    /// Out of fuel or stack.
    Exhausted,
}

fn classify<T>(r: wasmtime::Result<T>) -> End<T> {
    match r {
        Ok(v) => End::Ok(v),
        Err(e) => match e.downcast_ref::<Trap>() {
            Some(Trap::OutOfFuel | Trap::StackOverflow) => End::Exhausted,
            _ => End::Trap(format!("{e:?}")),
        },
    }
}

impl Side {
    fn new(component: &Component) -> End<Side> {
        let engine = engine();
        let mut store = Store::new(engine, ());
        if let Err(e) = store.set_fuel(FUEL) {
            return End::Trap(e.to_string());
        }
        match classify(Linker::new(engine).instantiate(&mut store, component)) {
            End::Ok(instance) => End::Ok(Side { store, instance }),
            End::Trap(t) => End::Trap(t),
            End::Exhausted => End::Exhausted,
        }
    }

    fn call(&mut self, export: &Export, params: &[Val]) -> End<Vec<Val>> {
        let store = &mut self.store;
        if let Err(e) = store.set_fuel(FUEL) {
            return End::Trap(e.to_string());
        }
        let scope = match &export.scope {
            Some(s) => match self.instance.get_export_index(&mut *store, None, s) {
                Some(i) => Some(i),
                None => return End::Trap(format!("no export {s}")),
            },
            None => None,
        };
        let Some(index) = self
            .instance
            .get_export_index(&mut *store, scope.as_ref(), &export.name)
        else {
            return End::Trap(format!("no export {}", export.name));
        };
        let Some(func) = self.instance.get_func(&mut *store, index) else {
            return End::Trap(format!("{} is not a function", export.name));
        };
        let mut results = vec![Val::Bool(false); func.ty(&*store).results().len()];
        classify(
            func.call(&mut *store, params, &mut results)
                .map(|()| results),
        )
    }
}

/// Runs `composed` and `fused` side by side (see the module docs), drawing
/// arguments from `u`. `expected(scope, name)` may name the results the
/// composed component is built to return from a function's first call:
/// when the composed side returns anything else, that is a
/// [`Finding::Generator`].
pub fn differential(
    composed: &[u8],
    fused: &[u8],
    u: &mut Unstructured<'_>,
    expected: &dyn Fn(Option<&str>, &str) -> Option<Vec<Val>>,
) -> Result<Report, Finding> {
    let mut report = Report::default();
    let engine = engine();
    let Ok(c) = Component::new(engine, composed) else {
        return Ok(report);
    };
    report.compiled = true;
    let f = Component::new(engine, fused)
        .map_err(|e| Finding::Mismatch(format!("the fused component does not compile: {e:?}")))?;
    let exports = exports(&c);
    let observers: Vec<&Export> = exports
        .iter()
        .filter(|e| e.name.starts_with("digest"))
        .collect();
    for export in &exports {
        let label = match &export.scope {
            Some(s) => format!("{s}#{}", export.name),
            None => export.name.clone(),
        };
        let mut params = Vec::new();
        let mut budget = 400;
        for (_, ty) in export.ty.params() {
            params.push(host_value(u, &ty, &mut budget).unwrap_or(Val::Bool(false)));
        }
        let (mut sc, mut sf) = match (Side::new(&c), Side::new(&f)) {
            (End::Ok(sc), End::Ok(sf)) => (sc, sf),
            (End::Trap(_), End::Trap(_)) => return Ok(report),
            (End::Exhausted, _) | (_, End::Exhausted) => {
                report.inconclusive = true;
                return Ok(report);
            }
            (End::Ok(_), End::Trap(t)) => {
                return Err(Finding::Mismatch(format!(
                    "the composed component instantiates, the fused one traps: {t}"
                )));
            }
            (End::Trap(t), End::Ok(_)) => {
                return Err(Finding::Mismatch(format!(
                    "the composed component traps while instantiating, the fused one instantiates: {t}"
                )));
            }
        };
        let mut calls: Vec<(String, &Export, Vec<Val>)> = vec![
            (label.clone(), export, params.clone()),
            (format!("{label} (again)"), export, params),
        ];
        calls.extend(
            observers
                .iter()
                .map(|o| (format!("{} after {label}", o.name), *o, Vec::new())),
        );
        for (i, (what, export, params)) in calls.iter().enumerate() {
            report.calls += 1;
            match (sc.call(export, params), sf.call(export, params)) {
                (End::Ok(rc), End::Ok(rf)) => {
                    if rc != rf {
                        return Err(Finding::Mismatch(format!(
                            "{what}({params:?}):\n  composed: {rc:?}\n  fused:    {rf:?}"
                        )));
                    }
                    if i == 0 {
                        if let Some(want) = expected(export.scope.as_deref(), &export.name) {
                            if want != rc {
                                return Err(Finding::Generator(format!(
                                    "{what}({params:?}) returned {rc:?} composed, built to return {want:?}"
                                )));
                            }
                        }
                    }
                }
                (End::Trap(_), End::Trap(_)) => {
                    report.traps += 1;
                    break;
                }
                (End::Exhausted, _) | (_, End::Exhausted) => {
                    report.inconclusive = true;
                    return Ok(report);
                }
                (End::Ok(rc), End::Trap(t)) => {
                    return Err(Finding::Mismatch(format!(
                        "{what}({params:?}): composed returns {rc:?}, fused traps: {t}"
                    )));
                }
                (End::Trap(t), End::Ok(rf)) => {
                    return Err(Finding::Mismatch(format!(
                        "{what}({params:?}): composed traps ({t}), fused returns {rf:?}"
                    )));
                }
            }
        }
    }
    Ok(report)
}

/// A value of the wasmtime type `ty` drawn from `u`; `budget` bounds the
/// string chars and list elements in it. Resources and async types get no
/// value (the oracle runs components without imports, whose exports the
/// generator keeps free of them).
pub fn host_value(u: &mut Unstructured<'_>, ty: &Type, budget: &mut u32) -> arbitrary::Result<Val> {
    use super::values;
    Ok(match ty {
        Type::Bool => Val::Bool(u.arbitrary()?),
        Type::S8 => Val::S8(u.arbitrary()?),
        Type::U8 => Val::U8(u.arbitrary()?),
        Type::S16 => Val::S16(u.arbitrary()?),
        Type::U16 => Val::U16(u.arbitrary()?),
        Type::S32 => Val::S32(u.arbitrary()?),
        Type::U32 => Val::U32(u.arbitrary()?),
        Type::S64 => Val::S64(u.arbitrary()?),
        Type::U64 => Val::U64(u.arbitrary()?),
        Type::Float32 => Val::Float32(values::f32(u)?),
        Type::Float64 => Val::Float64(values::f64(u)?),
        Type::Char => Val::Char(values::char(u)?),
        Type::String => Val::String(values::string(u, budget)?),
        Type::List(l) => {
            let n = values::list_len(u, budget)?;
            let elem = l.ty();
            let mut items = Vec::new();
            for _ in 0..n {
                items.push(host_value(u, &elem, budget)?);
            }
            Val::List(items)
        }
        Type::Record(r) => {
            let mut fields = Vec::new();
            for f in r.fields() {
                fields.push((f.name.to_string(), host_value(u, &f.ty, budget)?));
            }
            Val::Record(fields)
        }
        Type::Tuple(t) => {
            let mut items = Vec::new();
            for ty in t.types() {
                items.push(host_value(u, &ty, budget)?);
            }
            Val::Tuple(items)
        }
        Type::Variant(v) => {
            let cases: Vec<_> = v.cases().map(|c| (c.name.to_string(), c.ty)).collect();
            let (name, ty) = &cases[u.choose_index(cases.len())?];
            let payload = match ty {
                Some(ty) => Some(Box::new(host_value(u, ty, budget)?)),
                None => None,
            };
            Val::Variant(name.clone(), payload)
        }
        Type::Enum(e) => {
            let names: Vec<_> = e.names().collect();
            Val::Enum(names[u.choose_index(names.len())?].to_string())
        }
        Type::Option(o) => Val::Option(if u.arbitrary()? {
            Some(Box::new(host_value(u, &o.ty(), budget)?))
        } else {
            None
        }),
        Type::Result(r) => {
            let ok: bool = u.arbitrary()?;
            let ty = if ok { r.ok() } else { r.err() };
            let payload = match ty {
                Some(ty) => Some(Box::new(host_value(u, &ty, budget)?)),
                None => None,
            };
            Val::Result(if ok { Ok(payload) } else { Err(payload) })
        }
        Type::Flags(f) => {
            let mut names = Vec::new();
            for n in f.names() {
                if u.arbitrary()? {
                    names.push(n.to_string());
                }
            }
            Val::Flags(names)
        }
        // No value can be made for these here: the call fails to typecheck
        // on both sides alike.
        _ => Val::Bool(false),
    })
}
