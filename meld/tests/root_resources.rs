//! A resource defined inside the composition and exported at the root,
//! driven from the host with wasmtime's component API: construct, call a
//! method (borrow), pass an own handle back, drop from the host (the
//! destructor runs, observed through the root-exported `dropped` counter).
//! Also handles inside options, lists and records, in parameters and
//! results (`nested-handles.wat`). The composed and the fused
//! (`--component`) forms must give the same results.

use anyhow::{Result, ensure};
use common::{Instantiated, trial};
use libtest_mimic::{Arguments, Trial};
use wasmtime::Store;
use wasmtime::component::{Component, Linker, Val};

mod common;

/// Cases: (test name, file under `tests/root/`).
const CASES: [(&str, &str); 2] = [
    ("root_resources::defined_at_root", "resource.wat"),
    ("root_resources::defined_in_child", "nested-resource.wat"),
];

fn main() {
    let args = Arguments::from_args();
    let mut trials: Vec<Trial> = CASES
        .iter()
        .map(|&(name, file)| trial(name, move || same_results(file)))
        .collect();
    trials.push(trial("root_resources::handles_in_compound_types", compound));
    trials.push(trial(
        "root_resources::post_return_sees_inner_result",
        post_return,
    ));
    trials.push(trial(
        "root_resources::drop_while_lent_traps",
        drop_while_lent,
    ));
    trials.push(trial(
        "root_resources::exported_types_without_functions",
        type_only,
    ));
    libtest_mimic::run(&args, trials).exit();
}

/// The host state of `drop-while-lent.wat`: the root export the host
/// callback calls, and what it saw.
#[derive(Default)]
struct Reenter {
    drop_it: Option<wasmtime::component::Func>,
    log: Vec<String>,
}

/// An own handle dropped while it is lent (reached by the host re-entering
/// the lender during the borrower's call) traps in both forms; dropping it
/// after the call works.
fn drop_while_lent() -> Result<()> {
    let drive = |bytes: &[u8]| -> wasmtime::Result<Vec<String>> {
        let engine = common::engine()?;
        let component = Component::new(&engine, bytes)?;
        let mut linker = Linker::<Reenter>::new(&engine);
        linker.root().func_new("cb", |mut cx, _, _, _| {
            let f = cx.data().drop_it.expect("set before any call");
            let outcome = f.call(&mut cx, &[], &mut []);
            let line = match &outcome {
                Ok(()) => "cb: drop-it returned".to_string(),
                Err(e) => format!("cb: drop-it failed: {}", e.root_cause()),
            };
            cx.data_mut().log.push(line);
            outcome
        })?;
        let mut store = Store::new(&engine, Reenter::default());
        let instance = linker.instantiate(&mut store, &component)?;
        let get = |store: &mut Store<Reenter>, name: &str| {
            instance
                .get_func(&mut *store, name)
                .ok_or_else(|| wasmtime::format_err!("no export {name}"))
        };
        store.data_mut().drop_it = Some(get(&mut store, "drop-it")?);
        let mut out = [Val::Bool(false)];
        get(&mut store, "make-one")?.call(&mut store, &[], &mut out)?;
        store
            .data_mut()
            .log
            .push(format!("make-one = {:?}", out[0]));
        let lend = get(&mut store, "lend")?.call(&mut store, &[], &mut []);
        let line = format!("lend trapped: {}", lend.is_err());
        store.data_mut().log.push(line);
        Ok(std::mem::take(&mut store.data_mut().log))
    };
    let composed = common::assemble("root", "drop-while-lent.wat")?;
    // Only whether each step failed is compared: the messages differ
    // (wasmtime names the misuse; meld's code traps).
    let facts = |bytes: &[u8]| -> wasmtime::Result<Vec<String>> {
        let log = drive(bytes)?;
        eprintln!("{log:#?}");
        Ok(log
            .into_iter()
            .map(|l| match l.split_once(": drop-it failed") {
                Some((who, _)) => format!("{who}: drop-it failed"),
                None => l,
            })
            .collect())
    };
    let expected = drive(&composed)?;
    ensure!(
        expected
            .iter()
            .any(|l| l.contains("cannot remove owned resource while borrowed")),
        "the composition did not refuse the drop as planned: {expected:#?}"
    );
    common::composed_and_fused(&composed, facts, |log| {
        ensure!(log.contains(&"lend trapped: true".to_string()), "{log:#?}");
        Ok(())
    })?;
    Ok(())
}

/// Drives the resource through the component; returns what it observed.
fn drive(component: &[u8]) -> wasmtime::Result<Vec<Val>> {
    let mut root = Instantiated::new(component)?;
    let mut seen = Vec::new();
    let a = root.call(None, "[constructor]r", &[Val::U32(21)])?;
    let b = root.call(None, "[constructor]r", &[Val::U32(5)])?;
    seen.push(root.call(None, "[method]r.get", std::slice::from_ref(&a))?);
    seen.push(root.call(None, "[method]r.get", std::slice::from_ref(&b))?);
    seen.push(root.call(None, "dropped", &[])?);
    seen.push(root.call(None, "[static]r.consume", &[b])?);
    seen.push(root.call(None, "dropped", &[])?);
    root.drop_handle(&a)?;
    seen.push(root.call(None, "dropped", &[])?);
    let c = root.call(None, "[constructor]r", &[Val::U32(7)])?;
    seen.push(root.call(None, "[method]r.get", std::slice::from_ref(&c))?);
    root.drop_handle(&c)?;
    seen.push(root.call(None, "dropped", &[])?);
    Ok(seen)
}

fn same_results(file: &str) -> Result<()> {
    common::composed_and_fused(&common::assemble("root", file)?, drive, |seen| {
        ensure!(
            *seen == [42, 10, 0, 10, 1, 2, 14, 3].map(Val::U32),
            "returned {seen:?}"
        );
        Ok(())
    })?;
    Ok(())
}

/// Calls the constructor twice; returns what its post-return saw each time.
fn drive_post_return(component: &[u8]) -> wasmtime::Result<Vec<Val>> {
    let mut root = Instantiated::new(component)?;
    let mut seen = Vec::new();
    for x in [3, 4] {
        root.call(None, "[constructor]r", &[Val::U32(x)])?;
        seen.push(root.call(None, "posted", &[])?);
    }
    Ok(seen)
}

fn post_return() -> Result<()> {
    common::composed_and_fused(
        &common::assemble("root", "post-return.wat")?,
        drive_post_return,
        |seen| {
            ensure!(*seen == [Val::U32(2), Val::U32(3)], "posted {seen:?}");
            Ok(())
        },
    )?;
    Ok(())
}

/// Drives `nested-handles.wat`: handles in options, lists and records, in
/// parameters and results; returns what it observed.
fn drive_compound(component: &[u8]) -> wasmtime::Result<Vec<Val>> {
    let mut root = Instantiated::new(component)?;
    let new = |i: &mut Instantiated, x: u32| i.call(None, "[constructor]r", &[Val::U32(x)]);
    let mut seen = Vec::new();
    let a = new(&mut root, 3)?;
    seen.push(root.call(None, "take-opt", &[Val::Option(Some(Box::new(a)))])?);
    seen.push(root.call(None, "take-opt", &[Val::Option(None)])?);
    let list = vec![new(&mut root, 1)?, new(&mut root, 2)?];
    seen.push(root.call(None, "take-list", &[Val::List(list)])?);
    let rec = vec![
        ("r".to_string(), new(&mut root, 5)?),
        ("n".to_string(), Val::U32(10)),
    ];
    seen.push(root.call(None, "take-rec", &[Val::Record(rec)])?);
    let (e, f) = (new(&mut root, 4)?, new(&mut root, 7)?);
    seen.push(root.call(
        None,
        "sum-borrows",
        &[Val::List(vec![e.clone(), f.clone()])],
    )?);
    seen.push(root.call(None, "dropped", &[])?);
    let mut held = vec![e, f];
    match root.call(None, "make-opt", &[Val::U32(6)])? {
        Val::Option(Some(g)) => {
            seen.push(root.call(None, "[method]r.get", &[(*g).clone()])?);
            held.push(*g);
        }
        other => wasmtime::bail!("make-opt returned {other:?}"),
    }
    seen.push(root.call(None, "make-opt", &[Val::U32(0)])?);
    match root.call(None, "make-list", &[Val::U32(3)])? {
        Val::List(items) => {
            for item in &items {
                seen.push(root.call(None, "[method]r.get", std::slice::from_ref(item))?);
                held.push(item.clone());
            }
        }
        other => wasmtime::bail!("make-list returned {other:?}"),
    }
    for handle in &held {
        root.drop_handle(handle)?;
    }
    seen.push(root.call(None, "dropped", &[])?);
    Ok(seen)
}

fn compound() -> Result<()> {
    let want = vec![
        Val::U32(3),
        Val::U32(0),
        Val::U32(12),
        Val::U32(15),
        Val::U32(47),
        Val::U32(4),
        Val::U32(6),
        Val::Option(None),
        Val::U32(1),
        Val::U32(2),
        Val::U32(3),
        Val::U32(10),
    ];
    common::composed_and_fused(
        &common::assemble("root", "nested-handles.wat")?,
        drive_compound,
        |seen| {
            ensure!(*seen == want, "returned {seen:?}");
            Ok(())
        },
    )?;
    Ok(())
}

/// Resource types exported (at the root and in an interface) that no
/// exported function passes handles of: both forms export them, and the
/// destructor runs for handles dropped inside.
fn type_only() -> Result<()> {
    let drive = |bytes: &[u8]| -> wasmtime::Result<(Vec<String>, u32)> {
        let engine = common::engine()?;
        let component = Component::new(&engine, bytes)?;
        let exports = component
            .component_type()
            .exports(&engine)
            .map(|(name, _)| name.to_string())
            .collect();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &component)?;
        let run = instance.get_typed_func::<(), (u32,)>(&mut store, "run")?;
        Ok((exports, run.call(&mut store, ())?.0))
    };
    let composed = common::assemble("root", "type-only.wat")?;
    common::composed_and_fused(&composed, drive, |(exports, dropped)| {
        ensure!(*dropped == 2, "the destructor ran {dropped} times");
        ensure!(exports.len() == 4, "exports: {exports:?}");
        Ok(())
    })?;
    Ok(())
}
