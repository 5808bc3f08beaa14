//! Resources imported from the host: a composition whose components create,
//! read, drop, close and pass among themselves handles of a host resource
//! (`tests/host/*.wat`), run against a host written with wasmtime's
//! `Linker` that records every call and destructor run. The composed and
//! the fused (`--component`) forms must make the same host calls, return
//! the same values (inner handle numbers included) and trap alike, whether
//! called at the root or inside an exported interface.

use anyhow::{Result, ensure};
use libtest_mimic::{Arguments, Failed, Trial};
use std::collections::HashMap;
use wasmtime::component::{Component, Linker, Resource, ResourceType, Val};
use wasmtime::{Engine, Store};

mod common;
#[path = "host/nested.rs"]
mod nested;

/// The host's resource type.
struct File;

/// The host's state: the call log and each live file's number.
#[derive(Default)]
struct Host {
    log: Vec<String>,
    files: HashMap<u32, u32>,
    next: u32,
}

fn main() {
    let args = Arguments::from_args();
    let check = |r: Result<()>| r.map_err(|e| Failed::from(format!("{e:?}")));
    let trials = vec![
        Trial::test("host_resources::files", move || {
            check(same_behaviour("files.wat"))
        }),
        Trial::test("host_resources::root_export_handles", move || {
            check(root_export_handles("export-handles.wat"))
        }),
        Trial::test("host_resources::interface_export_handles", move || {
            check(interface_export_handles("export-interface-handles.wat"))
        }),
        Trial::test("host_resources::reexported_host_type", move || {
            check(reexported_host_type("reexport-handles.wat"))
        }),
        Trial::test("host_resources::import_type_names", move || {
            check(common::same_import_names(
                &common::assemble("host", "nested-handles.wat")?,
                &["test:host/files#error-code", "test:host/files#wrapped"],
            ))
        }),
        Trial::test("host_resources::nested_handles", move || {
            check(nested_handles("nested-handles.wat"))
        }),
        Trial::test("host_resources::core_module_imports", move || {
            check(core_imports("files.wat"))
        }),
    ];
    libtest_mimic::run(&args, trials).exit();
}

/// Calls `run`, `release`, `misuse` in turn; returns the log with each
/// call's results or trap.
fn drive(component: &[u8]) -> wasmtime::Result<Vec<String>> {
    let (engine, linker) = host()?;
    let component = Component::new(&engine, component)?;
    let mut store = Store::new(&engine, Host::default());
    let instance = linker.instantiate(&mut store, &component)?;
    for name in ["run", "release", "misuse"] {
        let f = instance
            .get_func(&mut store, name)
            .ok_or_else(|| wasmtime::format_err!("no export {name}"))?;
        let mut out = vec![Val::Bool(false); f.ty(&store).results().len()];
        let outcome = match f.call(&mut store, &[], &mut out) {
            Ok(()) => format!("{name} = {out:?}"),
            // wasmtime reports some misuse as errors, meld as traps.
            Err(_) => format!("{name} trapped"),
        };
        store.data_mut().log.push(outcome);
    }
    Ok(std::mem::take(&mut store.data_mut().log))
}

/// The engine and a linker with the host's `test:host/files`.
fn host() -> wasmtime::Result<(Engine, Linker<Host>)> {
    let engine = common::engine()?;
    let mut linker = Linker::<Host>::new(&engine);
    let mut files = linker.instance("test:host/files")?;
    files.resource("file", ResourceType::host::<File>(), |mut cx, rep| {
        let host = cx.data_mut();
        let n = host.files.remove(&rep);
        host.log.push(format!("drop(rep {rep}, file {n:?})"));
        Ok(())
    })?;
    files.func_wrap("[constructor]file", |mut cx, (n,): (u32,)| {
        let host = cx.data_mut();
        host.next += 1;
        let rep = 100 + host.next;
        host.files.insert(rep, n);
        host.log.push(format!("new({n}) = rep {rep}"));
        Ok((Resource::<File>::new_own(rep),))
    })?;
    files.func_wrap("[method]file.read", |mut cx, (f,): (Resource<File>,)| {
        let host = cx.data_mut();
        let n = host.files.get(&f.rep()).copied();
        host.log.push(format!(
            "read(rep {}, owned {}) = {n:?}",
            f.rep(),
            f.owned()
        ));
        Ok((n.unwrap_or(0) + 1,))
    })?;
    files.func_wrap("close", |mut cx, (f,): (Resource<File>,)| {
        let host = cx.data_mut();
        let n = host.files.remove(&f.rep());
        host.log.push(format!(
            "close(rep {}, owned {}) = {n:?}",
            f.rep(),
            f.owned()
        ));
        Ok((n.unwrap_or(0) + 2,))
    })?;
    nested::define(&mut files)?;
    Ok((engine, linker))
}

/// A host file of number `n`, as a handle to pass to the guest.
fn host_file(store: &mut Store<Host>, n: u32) -> wasmtime::Result<Val> {
    let host = store.data_mut();
    host.next += 1;
    let rep = 100 + host.next;
    host.files.insert(rep, n);
    host.log.push(format!("host new({n}) = rep {rep}"));
    let r = Resource::<File>::new_own(rep).try_into_resource_any(&mut *store)?;
    Ok(Val::Resource(r))
}

/// Drives the root exports of `export-handles.wat` passing host files in
/// and out; returns the log with each call's results (handles returned to
/// the host by their type and ownership; the guest reads them when passed
/// back) or trap.
fn drive_exports(component: &[u8]) -> wasmtime::Result<Vec<String>> {
    let (engine, linker) = host()?;
    let component = Component::new(&engine, component)?;
    let mut store = Store::new(&engine, Host::default());
    let instance = linker.instantiate(&mut store, &component)?;
    let call =
        |store: &mut Store<Host>, name: &str, args: Vec<Val>| -> wasmtime::Result<Option<Val>> {
            let f = instance
                .get_func(&mut *store, name)
                .ok_or_else(|| wasmtime::format_err!("no export {name}"))?;
            let mut out = vec![Val::Bool(false); f.ty(&*store).results().len()];
            let outcome = f.call(&mut *store, &args, &mut out);
            let out = out.pop();
            let line = match (&outcome, &out) {
                (Err(_), _) => format!("{name} trapped"),
                (Ok(()), Some(Val::Resource(r))) => format!(
                    "{name} = file {} owned {}",
                    r.ty() == ResourceType::host::<File>(),
                    r.owned()
                ),
                (Ok(()), out) => format!("{name} = {out:?}"),
            };
            store.data_mut().log.push(line);
            if outcome.is_ok() { Ok(out) } else { Ok(None) }
        };
    let opened = call(&mut store, "open", vec![Val::U32(5)])?;
    let opened = opened.context_err("open")?;
    call(&mut store, "peek", vec![opened.clone()])?;
    call(&mut store, "consume", vec![opened])?;
    let f = host_file(&mut store, 7)?;
    call(&mut store, "peek", vec![f.clone()])?;
    call(&mut store, "keep", vec![f])?;
    let given = call(&mut store, "give", vec![])?.context_err("give")?;
    let g = host_file(&mut store, 9)?;
    let some = Val::Option(Some(Box::new(given.clone())));
    call(&mut store, "pick", vec![some, g])?;
    let h = host_file(&mut store, 11)?;
    call(&mut store, "pick", vec![Val::Option(None), h])?;
    call(&mut store, "consume", vec![given])?;
    let k = host_file(&mut store, 13)?;
    call(&mut store, "hold", vec![k])?;
    Ok(std::mem::take(&mut store.data_mut().log))
}

/// Drives the functions of the exported interface `test:app/handler` of
/// `export-interface-handles.wat`, by name, passing host files in and out;
/// returns the log with each call's results or trap.
fn drive_interface(component: &[u8]) -> wasmtime::Result<Vec<String>> {
    let (engine, linker) = host()?;
    let component = Component::new(&engine, component)?;
    let mut store = Store::new(&engine, Host::default());
    let instance = linker.instantiate(&mut store, &component)?;
    let (_, iface) = instance
        .get_export(&mut store, None, "test:app/handler")
        .context_err("test:app/handler")?;
    let call =
        |store: &mut Store<Host>, name: &str, args: Vec<Val>| -> wasmtime::Result<Option<Val>> {
            let (_, index) = instance
                .get_export(&mut *store, Some(&iface), name)
                .context_err(name)?;
            let f = instance.get_func(&mut *store, index).context_err(name)?;
            let mut out = vec![Val::Bool(false); f.ty(&*store).results().len()];
            let outcome = f.call(&mut *store, &args, &mut out);
            let out = out.pop();
            let line = match (&outcome, &out) {
                (Err(_), _) => format!("{name} trapped"),
                (Ok(()), Some(Val::Resource(r))) => format!(
                    "{name} = file {} owned {}",
                    r.ty() == ResourceType::host::<File>(),
                    r.owned()
                ),
                (Ok(()), out) => format!("{name} = {out:?}"),
            };
            store.data_mut().log.push(line);
            if outcome.is_ok() { Ok(out) } else { Ok(None) }
        };
    let made = call(&mut store, "make", vec![])?.context_err("make")?;
    call(&mut store, "inspect", vec![made.clone()])?;
    call(&mut store, "handle", vec![made])?;
    let f = host_file(&mut store, 7)?;
    call(&mut store, "inspect", vec![f.clone()])?;
    call(&mut store, "handle", vec![f])?;
    let g = host_file(&mut store, 9)?;
    call(&mut store, "handle", vec![g])?;
    let made = call(&mut store, "make", vec![])?.context_err("make")?;
    call(&mut store, "discard", vec![made])?;
    let h = host_file(&mut store, 11)?;
    call(&mut store, "discard", vec![h])?;
    Ok(std::mem::take(&mut store.data_mut().log))
}

/// An exported interface whose functions pass host handles behaves alike
/// composed and fused.
fn interface_export_handles(file: &str) -> Result<()> {
    common::composed_and_fused(&common::assemble("host", file)?, drive_interface, |log| {
        ensure!(
            log.iter().any(|l| l.starts_with("drop(rep")),
            "no destructor ran: {log:#?}"
        );
        Ok(())
    })?;
    Ok(())
}

/// A host resource type re-exported by an exported interface and at the
/// root (as wit-component encodes wasi:http's `incoming-handler`) is the
/// host's type in both places, and the interface's functions behave alike.
fn reexported_host_type(file: &str) -> Result<()> {
    let drive = |bytes: &[u8]| -> wasmtime::Result<Vec<String>> {
        let (engine, linker) = host()?;
        let component = Component::new(&engine, bytes)?;
        let mut store = Store::new(&engine, Host::default());
        let instance = linker.instantiate(&mut store, &component)?;
        let mut log = Vec::new();
        let iface = instance.get_export_index(&mut store, None, "test:app/handler");
        for (at, name) in [(iface.as_ref(), "file"), (None, "file")] {
            let index = instance
                .get_export_index(&mut store, at, name)
                .context_err(name)?;
            let ty = instance.get_resource(&mut store, index);
            log.push(format!(
                "{} {name} is the host's: {}",
                if at.is_some() { "handler" } else { "root" },
                ty == Some(ResourceType::host::<File>())
            ));
        }
        let (_, iface) = instance
            .get_export(&mut store, None, "test:app/handler")
            .context_err("test:app/handler")?;
        let (_, hold) = instance
            .get_export(&mut store, Some(&iface), "hold")
            .context_err("hold")?;
        let hold = instance.get_func(&mut store, hold).context_err("hold")?;
        let mut out = [Val::Bool(false)];
        hold.call(&mut store, &[], &mut out)?;
        let Val::Record(fields) = &out[0] else {
            wasmtime::bail!("hold returned {out:?}")
        };
        let Val::Resource(f) = &fields[0].1 else {
            wasmtime::bail!("hold returned {out:?}")
        };
        let file = f.try_into_resource::<File>(&mut store)?;
        log.push(format!("hold = file {} and {:?}", file.rep(), fields[1].1));
        log.extend(drive_interface(bytes)?);
        Ok(log)
    };
    common::composed_and_fused(&common::assemble("host", file)?, drive, |log| {
        ensure!(
            log.iter()
                .filter(|l| l.ends_with("is the host's: true"))
                .count()
                == 2,
            "{log:#?}"
        );
        ensure!(log.iter().any(|l| l.ends_with("and U32(5)")), "{log:#?}");
        ensure!(
            log.iter().any(|l| l.starts_with("drop(rep")),
            "no destructor ran: {log:#?}"
        );
        Ok(())
    })?;
    Ok(())
}

/// Host functions passing handles inside compound types behave alike
/// composed and fused: `run`'s results and the host's log.
fn nested_handles(file: &str) -> Result<()> {
    let run = |bytes: &[u8]| -> wasmtime::Result<Vec<String>> {
        let (engine, linker) = host()?;
        let component = Component::new(&engine, bytes)?;
        let mut store = Store::new(&engine, Host::default());
        let instance = linker.instantiate(&mut store, &component)?;
        let f = instance.get_func(&mut store, "run").context_err("run")?;
        let mut out = vec![Val::Bool(false)];
        f.call(&mut store, &[], &mut out)?;
        store.data_mut().log.push(format!("run = {out:?}"));
        Ok(std::mem::take(&mut store.data_mut().log))
    };
    common::composed_and_fused(&common::assemble("host", file)?, run, |log| {
        let drops = log.iter().filter(|l| l.starts_with("drop(rep")).count();
        ensure!(
            log.iter().any(|l| l.starts_with("open(0) = err")) && drops == 3,
            "{log:#?}"
        );
        Ok(())
    })?;
    Ok(())
}

/// `Option` to a wasmtime error naming the call.
trait ContextErr<T> {
    fn context_err(self, what: &str) -> wasmtime::Result<T>;
}

impl<T> ContextErr<T> for Option<T> {
    fn context_err(self, what: &str) -> wasmtime::Result<T> {
        self.ok_or_else(|| wasmtime::format_err!("{what} returned nothing"))
    }
}

/// Root exports passing host handles behave alike composed and fused.
fn root_export_handles(file: &str) -> Result<()> {
    common::composed_and_fused(&common::assemble("host", file)?, drive_exports, |log| {
        ensure!(
            log.last().is_some_and(|l| l == "hold trapped"),
            "no trap on a held borrow: {log:#?}"
        );
        Ok(())
    })?;
    Ok(())
}

fn same_behaviour(file: &str) -> Result<()> {
    common::composed_and_fused(&common::assemble("host", file)?, drive, |log| {
        ensure!(
            log.iter().any(|l| l.starts_with("misuse trapped")),
            "no trap on misuse: {log:#?}"
        );
        Ok(())
    })?;
    Ok(())
}

/// The core output imports the host functions and the host's
/// `resource.drop` under names that identify interface and item.
fn core_imports(file: &str) -> Result<()> {
    let composed = common::assemble("host", file)?;
    let fused = meld::Fuser::new().fuse(&composed)?;
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&fused.bytes) {
        if let wasmparser::Payload::ImportSection(r) = payload? {
            for import in r.into_imports() {
                let import = import?;
                names.push(format!("{} {}", import.module, import.name));
            }
        }
    }
    names.sort();
    let want = [
        "test:host/files [constructor]file",
        "test:host/files [method]file.read",
        "test:host/files [method]file.read#2",
        "test:host/files [resource-drop]file",
        "test:host/files close",
    ];
    ensure!(names == want, "imports: {names:?}");
    Ok(())
}
