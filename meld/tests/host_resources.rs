//! Resources imported from the host: a composition whose components create,
//! read, drop, close and pass among themselves handles of a host resource
//! (`tests/host/*.wat`), run against a host written with wasmtime's
//! `Linker` that records every call and destructor run. The composed and
//! the fused (`--component`) forms must make the same host calls, return
//! the same values (inner handle numbers included) and trap alike, whether
//! called at the root or inside an exported interface.

use anyhow::{Result, ensure};
use common::files::{self, File, Host};
use common::trial;
use libtest_mimic::Arguments;
use wasmtime::Store;
use wasmtime::component::{ComponentExportIndex, Instance, Linker, Resource, ResourceType, Val};

mod common;
#[path = "host/nested.rs"]
mod nested;

fn main() {
    let args = Arguments::from_args();
    let trials = vec![
        trial("host_resources::files", move || same_behaviour("files.wat")),
        trial("host_resources::root_export_handles", move || {
            root_export_handles("export-handles.wat")
        }),
        trial("host_resources::interface_export_handles", move || {
            interface_export_handles("export-interface-handles.wat")
        }),
        trial("host_resources::reexported_host_type", move || {
            reexported_host_type("reexport-handles.wat")
        }),
        trial("host_resources::import_type_names", move || {
            common::same_import_names(
                &common::assemble("host", "nested-handles.wat")?,
                &["test:host/files#error-code", "test:host/files#wrapped"],
            )
        }),
        trial("host_resources::nested_handles", move || {
            nested_handles("nested-handles.wat")
        }),
        trial("host_resources::core_module_imports", move || {
            core_imports("files.wat")
        }),
    ];
    libtest_mimic::run(&args, trials).exit();
}

/// Calls `run`, `release`, `misuse` in turn; returns the log with each
/// call's results or trap.
fn drive(component: &[u8]) -> wasmtime::Result<Vec<String>> {
    let (mut store, instance) = files::instantiate(&host()?, component, Host::default())?;
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

/// A linker with the host's `test:host/files`: `file`, its constructor,
/// `read` and `close`, and the functions of [`nested`].
fn host() -> wasmtime::Result<Linker<Host>> {
    files::linker::<Host>(|files| {
        files::constructor(files)?;
        files.func_wrap("[method]file.read", |mut cx, (f,): (Resource<File>,)| {
            let n = cx.data_mut().number("read", &f, false);
            Ok((n.unwrap_or(0) + 1,))
        })?;
        files.func_wrap("close", |mut cx, (f,): (Resource<File>,)| {
            let n = cx.data_mut().number("close", &f, true);
            Ok((n.unwrap_or(0) + 2,))
        })?;
        nested::define(files)
    })
}

/// A host file of number `n`, as a handle to pass to the guest.
fn host_file(store: &mut Store<Host>, n: u32) -> wasmtime::Result<Val> {
    files::file(store, n, "host")
}

/// Calls the function `name` exported at the root (`scope` `None`) or
/// inside the exported instance `scope` with `args`; logs its result (a
/// handle by its type and ownership) or trap. Returns the result, `None`
/// on a trap.
fn call(
    store: &mut Store<Host>,
    instance: &Instance,
    scope: Option<&ComponentExportIndex>,
    name: &str,
    args: Vec<Val>,
) -> wasmtime::Result<Option<Val>> {
    let index = instance
        .get_export_index(&mut *store, scope, name)
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
}

/// Drives the root exports of `export-handles.wat` passing host files in
/// and out; returns the log with each call's results (handles returned to
/// the host by their type and ownership; the guest reads them when passed
/// back) or trap.
fn drive_exports(component: &[u8]) -> wasmtime::Result<Vec<String>> {
    let (mut store, instance) = files::instantiate(&host()?, component, Host::default())?;
    let call = |store: &mut Store<Host>, name: &str, args: Vec<Val>| {
        call(store, &instance, None, name, args)
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
    let (mut store, instance) = files::instantiate(&host()?, component, Host::default())?;
    let (_, iface) = instance
        .get_export(&mut store, None, "test:app/handler")
        .context_err("test:app/handler")?;
    let call = |store: &mut Store<Host>, name: &str, args: Vec<Val>| {
        call(store, &instance, Some(&iface), name, args)
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
    common::composed_and_fused(
        &common::assemble("host", file)?,
        drive_interface,
        destructor_ran,
    )?;
    Ok(())
}

/// Confirms that a destructor ran: the host logged `drop(rep ..)`.
fn destructor_ran(log: &Vec<String>) -> Result<()> {
    ensure!(
        log.iter().any(|l| l.starts_with("drop(rep")),
        "no destructor ran: {log:#?}"
    );
    Ok(())
}

/// A host resource type re-exported by an exported interface and at the
/// root (as wit-component encodes wasi:http's `incoming-handler`) is the
/// host's type in both places, and the interface's functions behave alike.
fn reexported_host_type(file: &str) -> Result<()> {
    let drive = |bytes: &[u8]| -> wasmtime::Result<Vec<String>> {
        let (mut store, instance) = files::instantiate(&host()?, bytes, Host::default())?;
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
        destructor_ran(log)
    })?;
    Ok(())
}

/// Host functions passing handles inside compound types behave alike
/// composed and fused: `run`'s results and the host's log.
fn nested_handles(file: &str) -> Result<()> {
    let run = |bytes: &[u8]| -> wasmtime::Result<Vec<String>> {
        let (mut store, instance) = files::instantiate(&host()?, bytes, Host::default())?;
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
    let mut names = common::core_imports(&common::assemble("host", file)?)?;
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
