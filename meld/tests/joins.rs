//! Handles where a variant joins their flat type with another case's
//! (canonical ABI `join`: `result<own<r>, u64>` flattens to `i32 i64`, the
//! handle in the low half of the `i64`), converted at the boundary of the
//! fused component: in the parameters and results of host imports
//! (`tests/joins/host.wat`, against a host written with wasmtime's
//! `Linker` that logs what it receives) and in the parameters and results
//! of root exports of a resource defined inside the composition
//! (`tests/joins/root.wat`, driven from the host). The composed and the
//! fused (`--component`) forms must give the same observations.

use anyhow::{Result, ensure};
use common::files::{self, File, Host, rep};
use common::{Instantiated, trial};
use libtest_mimic::Arguments;
use wasmtime::StoreContextMut;
use wasmtime::component::{Linker, Resource, Val};

mod common;

fn main() {
    let args = Arguments::from_args();
    let trials = vec![
        trial("joins::host_imports", host_imports),
        trial("joins::root_exports", root_exports),
    ];
    libtest_mimic::run(&args, trials).exit();
}

/// An own handle passed to the host: logs what the host saw (the rep, the
/// ownership and the file's number, which it takes) as `what`; returns the
/// rep.
fn take_file(cx: &mut StoreContextMut<'_, Host>, v: &Val, what: &str) -> wasmtime::Result<u32> {
    let (rep, owned) = rep(&mut *cx, v)?;
    let n = cx.data_mut().files.remove(&rep);
    cx.data_mut()
        .log
        .push(format!("{what}(rep {rep}, owned {owned}) = file {n:?}"));
    Ok(rep)
}

/// A `u64` component value.
fn u64_of(v: &Val) -> wasmtime::Result<u64> {
    match v {
        Val::U64(n) => Ok(*n),
        _ => wasmtime::bail!("not a u64: {v:?}"),
    }
}

/// A linker with the host's `test:host/files`: `file`, its constructor
/// and `read`, and `take`, `peek`, `open`, `deep` (see `joins/host.wat`),
/// defined with dynamic values.
fn host() -> wasmtime::Result<Linker<Host>> {
    files::linker::<Host>(|files| {
        files::constructor(files)?;
        files.func_wrap("[method]file.read", |mut cx, (f,): (Resource<File>,)| {
            Ok((cx.data_mut().number("read", &f, false).unwrap_or(0),))
        })?;
        files.func_new("take", |mut cx, _, params, results| {
            results[0] = Val::U64(match &params[0] {
                Val::Result(Ok(Some(f))) => {
                    1_000_000 + u64::from(take_file(&mut cx, f, "take ok")?)
                }
                Val::Result(Err(Some(n))) => {
                    let n = u64_of(n)?;
                    cx.data_mut().log.push(format!("take err({n:#x})"));
                    n + 1
                }
                other => wasmtime::bail!("take: {other:?}"),
            });
            Ok(())
        })?;
        files.func_new("peek", |mut cx, _, params, results| {
            let Val::Variant(case, Some(payload)) = &params[0] else {
                wasmtime::bail!("peek: {params:?}")
            };
            let Val::Tuple(fields) = &**payload else {
                wasmtime::bail!("peek: {params:?}")
            };
            results[0] = Val::Float64(match (case.as_str(), &fields[..]) {
                ("a", [f, Val::Float32(x)]) => {
                    let (rep, owned) = rep(&mut cx, f)?;
                    let line = format!("peek a(rep {rep}, owned {owned}, {x})");
                    cx.data_mut().log.push(line);
                    f64::from(rep) + f64::from(*x)
                }
                ("b", [n, Val::Float64(y)]) => {
                    let n = u64_of(n)?;
                    cx.data_mut().log.push(format!("peek b({n}, {y})"));
                    n as f64 + y
                }
                _ => wasmtime::bail!("peek: {params:?}"),
            });
            Ok(())
        })?;
        files.func_new("open", |mut cx, _, params, results| {
            let Val::U32(n) = params[0] else {
                wasmtime::bail!("open: {params:?}")
            };
            results[0] = if n == 0 {
                cx.data_mut().log.push("open(0) = err".to_string());
                Val::Result(Err(Some(Box::new(Val::U64(0x1_0000_0007)))))
            } else {
                Val::Result(Ok(Some(Box::new(files::file(&mut cx, n, "open")?))))
            };
            Ok(())
        })?;
        files.func_new("deep", |mut cx, _, params, results| {
            results[0] = Val::U64(match &params[0] {
                Val::Result(Ok(Some(o))) => match &**o {
                    Val::Option(Some(f)) => {
                        2_000_000 + u64::from(take_file(&mut cx, f, "deep ok some")?)
                    }
                    Val::Option(None) => {
                        cx.data_mut().log.push("deep ok none".to_string());
                        3_000_000
                    }
                    other => wasmtime::bail!("deep: {other:?}"),
                },
                Val::Result(Err(Some(t))) => match &**t {
                    Val::Tuple(ab) if ab.len() == 2 => {
                        let (a, b) = (u64_of(&ab[0])?, u64_of(&ab[1])?);
                        cx.data_mut().log.push(format!("deep err({a}, {b})"));
                        1000 * a + b
                    }
                    other => wasmtime::bail!("deep: {other:?}"),
                },
                other => wasmtime::bail!("deep: {other:?}"),
            });
            Ok(())
        })?;
        Ok(())
    })
}

/// Calls `host.wat`'s `run`; returns the host's log followed by `run`'s
/// results.
fn drive_host(component: &[u8]) -> wasmtime::Result<Vec<String>> {
    let (mut store, instance) = files::instantiate(&host()?, component, Host::default())?;
    let run = instance.get_typed_func::<(), (Vec<u64>,)>(&mut store, "run")?;
    let (out,) = run.call(&mut store, ())?;
    store.data_mut().log.push(format!("run = {out:?}"));
    Ok(std::mem::take(&mut store.data_mut().log))
}

/// Host imports taking handles joined with `u64`s and `f64`s (own and
/// borrow, at the top of a case and inside an option inside a case) and
/// returning one through memory behave alike composed and fused: the host
/// receives the right reps, the guest the same handles.
fn host_imports() -> Result<()> {
    let bits = |x: f64| x.to_bits();
    // Reps: 101 and 102 are decoys, then 103 (file 1), 104 (2), 105 (3),
    // 106 (opened, 4), 107 (5). Inner handles: 1 to 3 decoys, then 4
    // (freed by `take`, so reused twice), 5 (opened, then reused).
    let want = [
        "ctor: new(90) = rep 101",
        "ctor: new(91) = rep 102",
        "ctor: new(1) = rep 103",
        "take ok(rep 103, owned true) = file Some(1)",
        "take err(0x100000005)",
        "ctor: new(2) = rep 104",
        "take ok(rep 104, owned true) = file Some(2)",
        "ctor: new(3) = rep 105",
        "peek a(rep 105, owned false, 1.5)",
        "read(rep 105, owned false) = Some(3)",
        "peek b(7, 2.25)",
        "open: new(4) = rep 106",
        "read(rep 106, owned false) = Some(4)",
        "open(0) = err",
        "drop(rep 106) = file Some(4)",
        "ctor: new(5) = rep 107",
        "deep ok some(rep 107, owned true) = file Some(5)",
        "deep ok none",
        "deep err(8, 9)",
        "drop(rep 105) = file Some(3)",
    ]
    .map(String::from)
    .to_vec();
    let run = [
        4,
        1_000_103,
        0x1_0000_0006,
        4,
        1_000_104,
        4,
        bits(105.0 + 1.5),
        3,
        bits(7.0 + 2.25),
        0,
        5,
        4,
        1,
        0x1_0000_0007,
        5,
        2_000_107,
        3_000_000,
        8009,
    ];
    let composed = common::assemble("joins", "host.wat")?;
    common::composed_and_fused(&composed, drive_host, |log| {
        let (last, log) = log.split_last().expect("`run` is logged");
        ensure!(*log == want, "host log: {log:#?}");
        ensure!(*last == format!("run = {run:?}"), "{last}");
        Ok(())
    })?;
    Ok(())
}

/// Drives `root.wat`'s exports with handles of `r` joined with other flat
/// types; returns what each call returned.
fn drive_root(component: &[u8]) -> wasmtime::Result<Vec<Val>> {
    let mut root = Instantiated::new(component)?;
    let new = |i: &mut Instantiated, x: u32| i.call(None, "[constructor]r", &[Val::U32(x)]);
    let ok = |v: Val| Val::Result(Ok(Some(Box::new(v))));
    let err = |v: Val| Val::Result(Err(Some(Box::new(v))));
    let case = |c: &str, v: Vec<Val>| Val::Variant(c.to_string(), Some(Box::new(Val::Tuple(v))));
    let mut seen = Vec::new();
    let a = new(&mut root, 21)?;
    seen.push(root.call(None, "take", &[ok(a)])?);
    seen.push(root.call(None, "take", &[err(Val::U64(0x2_0000_0005))])?);
    seen.push(root.call(None, "dropped", &[])?);
    let b = new(&mut root, 3)?;
    let picked = case("a", vec![b.clone(), Val::Float32(1.5)]);
    seen.push(root.call(None, "pick", &[picked])?);
    let picked = case("b", vec![Val::U64(7), Val::Float64(0.25)]);
    seen.push(root.call(None, "pick", &[picked])?);
    let some = Val::Option(Some(Box::new(new(&mut root, 4)?)));
    seen.push(root.call(None, "deep", &[ok(some)])?);
    seen.push(root.call(None, "deep", &[ok(Val::Option(None))])?);
    let pair = Val::Tuple(vec![Val::U64(8), Val::U64(9)]);
    seen.push(root.call(None, "deep", &[err(pair)])?);
    let list = Val::List(vec![new(&mut root, 1)?, new(&mut root, 2)?]);
    seen.push(root.call(None, "take-list", &[ok(list)])?);
    seen.push(root.call(None, "take-list", &[err(Val::U64(9))])?);
    let mixed = case("a", vec![Val::U64(100), new(&mut root, 6)?]);
    seen.push(root.call(None, "mixed", &[mixed])?);
    let mixed = case("b", vec![Val::Float64(2.5), Val::U32(3)]);
    seen.push(root.call(None, "mixed", &[mixed])?);
    seen.push(root.call(None, "dropped", &[])?);
    match root.call(None, "make", &[Val::U64(8)])? {
        Val::Result(Ok(Some(made))) => {
            seen.push(root.call(None, "[method]r.get", &[(*made).clone()])?);
            root.drop_handle(&made)?;
        }
        other => wasmtime::bail!("make returned {other:?}"),
    }
    seen.push(root.call(None, "make", &[Val::U64(0)])?);
    seen.push(root.call(None, "[method]r.get", std::slice::from_ref(&b))?);
    root.drop_handle(&b)?;
    seen.push(root.call(None, "dropped", &[])?);
    Ok(seen)
}

/// Root exports taking handles of a resource defined inside the
/// composition joined with other flat types (own and borrow, at the top
/// of a case, after a joined value, inside an option and a list inside a
/// case) and returning one through memory behave alike composed and fused.
fn root_exports() -> Result<()> {
    let want = vec![
        Val::U64(1_000_021),
        Val::U64(0x2_0000_0005),
        Val::U32(1),
        Val::Float64(3.0 + 1.5),
        Val::Float64(7.0 + 0.25),
        Val::U64(2_000_004),
        Val::U64(3_000_000),
        Val::U64(8009),
        Val::U64(12),
        Val::U64(9),
        Val::U64(106),
        Val::U64(2 + 3),
        Val::U32(5),
        Val::U32(8),
        Val::Result(Err(Some(Box::new(Val::U64(0xab_0000_0001))))),
        Val::U32(3),
        Val::U32(7),
    ];
    let composed = common::assemble("joins", "root.wat")?;
    common::composed_and_fused(&composed, drive_root, |seen| {
        ensure!(*seen == want, "returned {seen:#?}");
        Ok(())
    })?;
    Ok(())
}
