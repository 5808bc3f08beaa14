//! Host functions taking handles of a host resource inside list parameters
//! and in parameters passed through memory (`tests/host/lists.wat`), the
//! shape of `wasi:io/poll.poll(list<borrow<pollable>>)`. A host written
//! with wasmtime's `Linker` logs every call with the reps it received; the
//! composed and the fused (`--component`) forms must make the same calls,
//! return the same values, leave the caller's memory holding its own
//! handles after each call (the guest reads them back), reuse moved-out
//! handle numbers alike, and trap alike on misuse.

use anyhow::{Result, ensure};
use common::files::{self, Host, rep};
use common::trial;
use libtest_mimic::Arguments;
use wasmtime::component::{Instance, LinkerInstance, Val};
use wasmtime::{Store, StoreContextMut};

mod common;

fn main() {
    let args = Arguments::from_args();
    let trials = vec![
        trial("host_lists::handles_in_lists_and_spilled_params", lists),
        trial("host_lists::misuse_traps", misuse),
    ];
    libtest_mimic::run(&args, trials).exit();
}

/// What `run` observes, worked out by hand from `lists.wat`: the host's
/// answers and the caller's memory after each call, then reused handles.
const EXPECTED: [u32; 25] = [
    1, 2, 3, 1, // numbers([a, b, c, a])
    1, 2, 3, 1, // the list still holds handles a, b, c, a
    7, 1, 3, // labels: 1 * len("x") + 3 * len("yy"); handles a, c
    501, 2, 3, 1, // groups: (2 + 3) * 100 + 1; handles b, c, a
    41136, 1, 4, // spilled: 1 + .. + 16 + 1000 * 1 + 10000 * 4; handles a, d
    5, 2, 3, // consume([b, c]); handles b, c
    3, 2, // open reuses c's slot, then b's
    1, 5, // read(a), read(e)
];

fn lists() -> Result<()> {
    let drive = |bytes: &[u8]| -> wasmtime::Result<Vec<String>> {
        let (mut store, instance) = instantiate(bytes)?;
        for name in ["run", "run2"] {
            let out = call(&mut store, &instance, name)?;
            store.data_mut().log.push(format!("{name} = {out}"));
        }
        Ok(std::mem::take(&mut store.data_mut().log))
    };
    common::composed_and_fused(&common::assemble("host", "lists.wat")?, drive, |log| {
        let expected = format!("{EXPECTED:?}");
        for name in ["run", "run2"] {
            ensure!(
                log.contains(&format!("{name} = Ok({expected})")),
                "{name} did not return {expected}: {log:#?}"
            );
        }
        ensure!(
            log.iter()
                .any(|l| l.starts_with("numbers(reps [101, 102, 103, 101]")),
            "{log:#?}"
        );
        Ok(())
    })?;
    Ok(())
}

fn misuse() -> Result<()> {
    let drive = |bytes: &[u8]| -> wasmtime::Result<Vec<String>> {
        let mut log = Vec::new();
        for name in ["misuse-dropped", "misuse-twice"] {
            let (mut store, instance) = instantiate(bytes)?;
            let out = call(&mut store, &instance, name)?;
            log.append(&mut store.data_mut().log);
            log.push(format!("{name} = {out}"));
        }
        Ok(log)
    };
    common::composed_and_fused(&common::assemble("host", "lists.wat")?, drive, |log| {
        for name in ["misuse-dropped", "misuse-twice"] {
            ensure!(
                log.contains(&format!("{name} = trapped")),
                "{name} did not trap: {log:#?}"
            );
        }
        ensure!(
            !log.iter()
                .any(|l| l.starts_with("numbers") || l.starts_with("consume")),
            "the host was called with a bad handle: {log:#?}"
        );
        Ok(())
    })?;
    Ok(())
}

/// A new store with the logging host, and the instance of `bytes`.
fn instantiate(bytes: &[u8]) -> wasmtime::Result<(Store<Host>, Instance)> {
    files::instantiate(&files::linker(define)?, bytes, Host::default())
}

/// Calls export `name`: its results (a list of `u32`s as `[..]`) or
/// `trapped`.
fn call(store: &mut Store<Host>, instance: &Instance, name: &str) -> wasmtime::Result<String> {
    let f = instance
        .get_func(&mut *store, name)
        .ok_or_else(|| wasmtime::format_err!("no export `{name}`"))?;
    let mut out = vec![Val::Bool(false); f.ty(&*store).results().len()];
    Ok(match f.call(&mut *store, &[], &mut out) {
        Ok(()) => {
            let nums = |v: &Val| match v {
                Val::List(vs) => Some(vs.iter().map(u32_of).collect::<Option<Vec<_>>>()?),
                v => u32_of(v).map(|n| vec![n]),
            };
            match out.iter().map(nums).collect::<Option<Vec<_>>>() {
                Some(v) => format!("Ok({:?})", v.concat()),
                None => format!("Ok({out:?})"),
            }
        }
        // The message differs (wasmtime names the misuse, meld's code hits
        // `unreachable`): only the fact is compared.
        Err(e) => {
            eprintln!("{name}: {e:?}");
            "trapped".to_string()
        }
    })
}

fn u32_of(v: &Val) -> Option<u32> {
    match v {
        Val::U32(n) => Some(*n),
        _ => None,
    }
}

/// The number of the live file of rep `rep`.
fn number(cx: &StoreContextMut<'_, Host>, rep: u32) -> wasmtime::Result<u32> {
    cx.data()
        .files
        .get(&rep)
        .copied()
        .ok_or_else(|| wasmtime::format_err!("rep {rep} is not a live file"))
}

/// The elements of a list value.
fn list(v: &Val) -> wasmtime::Result<&[Val]> {
    match v {
        Val::List(vs) => Ok(vs),
        v => wasmtime::bail!("not a list: {v:?}"),
    }
}

/// Defines the functions of `test:host/files` besides `file`.
fn define(files: &mut LinkerInstance<'_, Host>) -> wasmtime::Result<()> {
    files.func_new("open", |mut cx, _, params, results| {
        let Val::U32(n) = params[0] else {
            wasmtime::bail!("open: {params:?}")
        };
        results[0] = files::file(&mut cx, n, "open")?;
        Ok(())
    })?;
    files.func_new("[method]file.read", |mut cx, _, params, results| {
        let (rep, _) = rep(&mut cx, &params[0])?;
        results[0] = Val::U32(number(&cx, rep)?);
        Ok(())
    })?;
    files.func_new("numbers", |mut cx, _, params, results| {
        let mut reps = Vec::new();
        let mut out = Vec::new();
        for v in list(&params[0])? {
            let (r, owned) = rep(&mut cx, v)?;
            wasmtime::ensure!(!owned, "numbers: an own handle");
            reps.push(r);
            out.push(Val::U32(number(&cx, r)?));
        }
        cx.data_mut().log.push(format!("numbers(reps {reps:?})"));
        results[0] = Val::List(out);
        Ok(())
    })?;
    files.func_new("labels", |mut cx, _, params, results| {
        let mut sum = 0;
        let mut seen = Vec::new();
        for item in list(&params[0])? {
            let Val::Tuple(fields) = item else {
                wasmtime::bail!("labels: {item:?}")
            };
            let (Val::String(label), handle) = (&fields[0], &fields[1]) else {
                wasmtime::bail!("labels: {item:?}")
            };
            let (r, _) = rep(&mut cx, handle)?;
            sum += number(&cx, r)? * label.len() as u32;
            seen.push(format!("{label}: rep {r}"));
        }
        cx.data_mut().log.push(format!("labels({seen:?})"));
        results[0] = Val::U32(sum);
        Ok(())
    })?;
    files.func_new("groups", |mut cx, _, params, results| {
        let mut acc = 0;
        for group in list(&params[0])? {
            let mut sum = 0;
            for v in list(group)? {
                let (r, _) = rep(&mut cx, v)?;
                sum += number(&cx, r)?;
            }
            acc = acc * 100 + sum;
        }
        cx.data_mut().log.push(format!("groups = {acc}"));
        results[0] = Val::U32(acc);
        Ok(())
    })?;
    files.func_new("consume", |mut cx, _, params, results| {
        let mut sum = 0;
        let mut reps = Vec::new();
        for v in list(&params[0])? {
            let (r, owned) = rep(&mut cx, v)?;
            wasmtime::ensure!(owned, "consume: a borrow");
            sum += number(&cx, r)?;
            cx.data_mut().files.remove(&r);
            reps.push(r);
        }
        cx.data_mut().log.push(format!("consume(reps {reps:?})"));
        results[0] = Val::U32(sum);
        Ok(())
    })?;
    files.func_new("spilled", |mut cx, _, params, results| {
        let mut sum = 0;
        for v in &params[..16] {
            sum += u32_of(v).ok_or_else(|| wasmtime::format_err!("spilled: {v:?}"))?;
        }
        let (borrowed, b_owned) = rep(&mut cx, &params[16])?;
        let (owned, o_owned) = rep(&mut cx, &params[17])?;
        wasmtime::ensure!(!b_owned && o_owned, "spilled: ownership");
        sum += 1000 * number(&cx, borrowed)? + 10000 * number(&cx, owned)?;
        cx.data_mut().files.remove(&owned);
        cx.data_mut().log.push(format!(
            "spilled(borrowed rep {borrowed}, owned rep {owned})"
        ));
        results[0] = Val::U32(sum);
        Ok(())
    })?;
    Ok(())
}
