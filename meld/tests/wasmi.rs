//! Fused output runs on a runtime without the component model: the
//! `--memory single` core module of each fixture is run under the `wasmi`
//! interpreter (a plain core-wasm runtime) and compared with wasmtime
//! running the composed component (the oracle).
//!
//! - Fixtures that import nothing from the host: the fused module must
//!   have no imports; it is instantiated (its start section runs the
//!   instantiation-time initialisation) and its `run` export called, twice,
//!   in fresh instances. The runners assert internally (a wrong result
//!   traps), so `run` returning is the check; the composed component must
//!   also run to its end under the oracle, showing what the fixture expects.
//! - `wasi_poll`: the fused module imports eight WASI 0.2.0 functions, which
//!   a small deterministic host written against the canonical ABI provides
//!   ([`linker`]). What `run` writes to stdout must equal, byte for byte,
//!   what the composed component writes under wasmtime-wasi, and every
//!   handle the host gave out must have been dropped by the end.
//!
//! # The host side of the ABI
//!
//! The module follows wit-component's core-module conventions with one
//! linear memory, exported as `memory`; every address crossing the
//! boundary is an absolute address in it. The module's start section runs
//! at instantiation; then the host calls `run`. Each import is named
//! (module = the interface, name = the function) and has the function's
//! flattened canonical-ABI core signature; the host implements these
//! ([`linker`]):
//!
//! - `wasi:clocks/monotonic-clock@0.2.0` `subscribe-duration: func(when:
//!   u64) -> pollable`: `(i64) -> i32`, the new handle.
//! - `wasi:io/poll@0.2.0` `[method]pollable.ready: func() -> bool`:
//!   `(self: i32) -> i32`, 0 or 1.
//! - `wasi:io/poll@0.2.0` `poll: func(in: list<borrow<pollable>>) ->
//!   list<u32>`: `(ptr: i32, len: i32, retptr: i32)`, no results.
//! - `wasi:cli/stdout@0.2.0` `get-stdout: func() -> output-stream`: `() ->
//!   i32`.
//! - `wasi:io/streams@0.2.0` `[method]output-stream.blocking-write-and-flush:
//!   func(contents: list<u8>) -> result<_, stream-error>`: `(self: i32, ptr:
//!   i32, len: i32, retptr: i32)`, no results.
//! - `[resource-drop]error` (`wasi:io/error@0.2.0`),
//!   `[resource-drop]output-stream` (`wasi:io/streams@0.2.0`),
//!   `[resource-drop]pollable` (`wasi:io/poll@0.2.0`): `(handle: i32)`.
//!
//! How values cross:
//!
//! - Handles (`own`/`borrow` of a host resource) are plain `i32`s: the
//!   host's own numbers, chosen by the host (here 1, 2, … across all its
//!   resources). An `own` result hands the handle to the module, which
//!   calls `[resource-drop]<r>` with it when it is done; a `borrow`
//!   parameter (`self` of a method, the elements of `poll`'s list) is a
//!   live handle the host looks up. An unknown handle traps.
//! - A `list<T>` parameter is `(ptr, len)`: `len` elements of `T`'s size
//!   at `ptr` (`borrow<pollable>`: 4-byte little-endian handles; `u8`:
//!   bytes).
//! - A result of more than one flat value comes back through a result
//!   pointer, the LAST parameter, that the host writes to. `poll`'s
//!   `list<u32>` is (ptr: i32, len: i32) at `retptr`: the host allocates the
//!   elements' `len * 4` bytes by calling the module's
//!   `cabi_import_realloc(0, 0, 4, len * 4)` (not `cabi_realloc`, the
//!   allocator of the module's exports), writes the elements there, then
//!   the pair at `retptr`. `blocking-write-and-flush`'s `result<_,
//!   stream-error>` is a discriminant byte at `retptr`: 0 for `ok` (an
//!   `err`'s `stream-error` would follow at offset 4).
//! - Booleans are `i32` 0 or 1; `u64` is `i64`.
//!
//! The host's clock never advances: a pollable for a non-zero duration is
//! never ready; one for zero is ready to `poll`, and to `ready` from its
//! second check on, as under wasmtime-wasi, whose first readiness check
//! yields once (`fixtures/wasi_poll/wit`). `poll` returns the indices of
//! the ready pollables and traps where it would block forever. Every
//! output stream writes to one captured stdout.

use anyhow::{Context, Result, ensure};
use fixtures::oracle::{Observed, Oracle};
use libtest_mimic::{Arguments, Failed, Trial};
use std::collections::{BTreeMap, BTreeSet};
use wasmi::{Caller, Engine, Error, Extern, Linker, Memory, Module, Store};

/// The fixtures whose composed component imports nothing (see
/// `tests/fixtures.rs`).
const SELF_CONTAINED: [&str; 13] = [
    "scalars",
    "strings",
    "lists",
    "records-variants",
    "many-params",
    "resources",
    "resource_floats",
    "resource_with_lists",
    "resource_import_and_export",
    "resource_floats_opaque",
    "resource_with_lists_opaque",
    "resource_import_and_export_opaque",
    "resource_handles",
];

const CLOCK: &str = "wasi:clocks/monotonic-clock@0.2.0";
const POLL: &str = "wasi:io/poll@0.2.0";
const STDOUT: &str = "wasi:cli/stdout@0.2.0";
const STREAMS: &str = "wasi:io/streams@0.2.0";
const ERROR: &str = "wasi:io/error@0.2.0";

/// Every import of the fused `wasi_poll` module, as (module, name).
const WASI_POLL_IMPORTS: [(&str, &str); 8] = [
    (CLOCK, "subscribe-duration"),
    (POLL, "[method]pollable.ready"),
    (STDOUT, "get-stdout"),
    (POLL, "poll"),
    (STREAMS, "[method]output-stream.blocking-write-and-flush"),
    (ERROR, "[resource-drop]error"),
    (STREAMS, "[resource-drop]output-stream"),
    (POLL, "[resource-drop]pollable"),
];

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for case in SELF_CONTAINED {
        trials.push(Trial::test(
            format!("self_contained_runs::{case}"),
            move || check(self_contained_runs(case)),
        ));
    }
    trials.push(Trial::test("wasi_poll_runs", || check(wasi_poll_runs())));
    trials.push(Trial::test("wasi_poll_wrong_host_traps", || {
        check(wasi_poll_wrong_host_traps())
    }));
    libtest_mimic::run(&args, trials).exit();
}

fn check(result: Result<()>) -> Result<(), Failed> {
    result.map_err(|e| format!("{e:?}").into())
}

/// The composed fixture and its `--memory single` core module, compiled
/// for wasmi (whose default configuration has every feature the fused
/// modules use: multi-value, bulk memory, reference types, sign extension,
/// saturating float-to-int, tail calls).
fn fuse(case: &str) -> Result<(Vec<u8>, Engine, Module)> {
    let input = fixtures::case(case)?.read_wasm()?;
    let core = (meld::Fuser::new().memory(meld::merge::Memory::Single))
        .fuse(&input)?
        .bytes;
    let engine = Engine::default();
    let module = Module::new(&engine, &core).context("wasmi rejects the fused module")?;
    for export in ["run", "memory"] {
        ensure!(
            module.get_export(export).is_some(),
            "the fused module does not export `{export}`"
        );
    }
    Ok((input, engine, module))
}

/// Runs the composed component under the oracle; it must show what the
/// fixture expects (`fixtures/<case>/expected/`).
fn composed(case: &str, input: &[u8]) -> Result<Observed> {
    let composed =
        (Oracle::new()?.observe(input)).context("the composed component fails under wasmtime")?;
    let want = fixtures::case(case)?.expected()?;
    ensure!(
        composed == want,
        "the composed component showed\n  {composed}\nexpected\n  {want}"
    );
    Ok(composed)
}

fn self_contained_runs(case: &str) -> Result<()> {
    let (input, engine, module) = fuse(case)?;
    let imports: Vec<_> = (module.imports())
        .map(|i| format!("{} {}", i.module(), i.name()))
        .collect();
    ensure!(
        imports.is_empty(),
        "the fused module has imports: {imports:?}"
    );
    let composed = composed(case, &input)?;
    ensure!(
        composed == Observed::default(),
        "the composed component shows something: {composed}"
    );
    for round in 1..=2 {
        let mut store = Store::new(&engine, ());
        let instance = (Linker::new(&engine).instantiate_and_start(&mut store, &module))
            .with_context(|| format!("instantiation {round} under wasmi"))?;
        let run = instance.get_typed_func::<(), ()>(&store, "run")?;
        (run.call(&mut store, ()))
            .with_context(|| format!("`run` in instance {round} under wasmi"))?;
    }
    Ok(())
}

fn wasi_poll_runs() -> Result<()> {
    let (input, engine, module) = fuse("wasi_poll")?;
    let mut imports: Vec<_> = (module.imports())
        .map(|i| (i.module().to_string(), i.name().to_string()))
        .collect();
    imports.sort();
    let mut want: Vec<_> = (WASI_POLL_IMPORTS.iter())
        .map(|(m, n)| (m.to_string(), n.to_string()))
        .collect();
    want.sort();
    ensure!(
        imports == want,
        "the fused module imports\n  {imports:?}\nexpected\n  {want:?}"
    );
    let composed = composed("wasi_poll", &input)?;
    for round in 1..=2 {
        let host = run_with_host(&engine, &module, Host::default())
            .with_context(|| format!("`run` in instance {round} under wasmi"))?;
        ensure!(
            host.stdout == composed.stdout,
            "under wasmi, stdout was\n  \"{}\"\nunder wasmtime\n  \"{}\"",
            host.stdout.escape_ascii(),
            composed.stdout.escape_ascii()
        );
        ensure!(
            host.pollables.is_empty() && host.streams.is_empty(),
            "handles never dropped: pollables {:?}, streams {:?}",
            host.pollables.keys().collect::<Vec<_>>(),
            host.streams
        );
    }
    Ok(())
}

/// The comparison is not vacuous: a host whose zero-duration pollables are
/// ready from their first check (unlike wasmtime-wasi's) makes the runner's
/// assertion on `ready-twice` trap.
fn wasi_poll_wrong_host_traps() -> Result<()> {
    let (_, engine, module) = fuse("wasi_poll")?;
    let host = Host {
        eager: true,
        ..Host::default()
    };
    let Err(e) = run_with_host(&engine, &module, host) else {
        anyhow::bail!("`run` returned although `ready` answered wrongly");
    };
    let trap = e.downcast_ref::<Error>().and_then(Error::as_trap_code);
    ensure!(
        trap == Some(wasmi::TrapCode::UnreachableCodeReached),
        "expected the runner's assertion to trap, got {e:?}"
    );
    Ok(())
}

/// Instantiates `module` with `host`'s imports, calls `run`, and returns
/// the host's state afterwards.
fn run_with_host(engine: &Engine, module: &Module, host: Host) -> Result<Host> {
    let mut store = Store::new(engine, host);
    let instance = linker(engine)?.instantiate_and_start(&mut store, module)?;
    let run = instance.get_typed_func::<(), ()>(&store, "run")?;
    run.call(&mut store, ())?;
    Ok(store.into_data())
}

/// A monotonic-clock pollable.
struct Pollable {
    /// The duration it was subscribed for, in nanoseconds.
    duration: u64,
    /// How often `ready` was called on it.
    checks: u32,
}

/// The host's state: its resources' handle tables and the captured stdout.
#[derive(Default)]
struct Host {
    pollables: BTreeMap<i32, Pollable>,
    /// Live output streams (each one is stdout).
    streams: BTreeSet<i32>,
    /// The last handle given out: one numbering for every resource.
    last: i32,
    stdout: Vec<u8>,
    /// Zero-duration pollables are ready from their first check.
    eager: bool,
}

impl Host {
    fn handle(&mut self) -> i32 {
        self.last += 1;
        self.last
    }

    fn pollable(&mut self, handle: i32) -> Result<&mut Pollable, Error> {
        (self.pollables.get_mut(&handle)).ok_or_else(|| unknown("pollable", handle))
    }

    /// Whether `poll` finds the pollable ready: waiting makes a zero
    /// duration ready, and the clock never gets to any other.
    fn poll_ready(&mut self, handle: i32) -> Result<bool, Error> {
        Ok(self.pollable(handle)?.duration == 0)
    }

    /// What `[method]pollable.ready` answers.
    fn ready(&mut self, handle: i32) -> Result<bool, Error> {
        let eager = self.eager;
        let p = self.pollable(handle)?;
        p.checks += 1;
        Ok(p.duration == 0 && (eager || p.checks > 1))
    }
}

fn unknown(resource: &str, handle: i32) -> Error {
    Error::new(format!("unknown {resource} handle {handle}"))
}

/// The module's one memory.
fn memory(caller: &Caller<'_, Host>) -> Result<Memory, Error> {
    (caller.get_export("memory").and_then(Extern::into_memory))
        .ok_or_else(|| Error::new("the module exports no `memory`"))
}

fn read(caller: &Caller<'_, Host>, ptr: i32, len: i32) -> Result<Vec<u8>, Error> {
    let mut bytes = vec![0; len as u32 as usize];
    memory(caller)?.read(caller, ptr as u32 as usize, &mut bytes)?;
    Ok(bytes)
}

fn write(caller: &mut Caller<'_, Host>, ptr: i32, bytes: &[u8]) -> Result<(), Error> {
    memory(caller)?.write(caller, ptr as u32 as usize, bytes)?;
    Ok(())
}

/// Allocates `size` bytes aligned to `align` for a result of a host import,
/// with the module's `cabi_import_realloc`.
fn allocate(caller: &mut Caller<'_, Host>, align: i32, size: i32) -> Result<i32, Error> {
    let realloc = (caller
        .get_export("cabi_import_realloc")
        .and_then(Extern::into_func))
    .ok_or_else(|| Error::new("the module exports no `cabi_import_realloc`"))?
    .typed::<(i32, i32, i32, i32), i32>(&*caller)?;
    realloc.call(&mut *caller, (0, 0, align, size))
}

/// `poll: func(in: list<borrow<pollable>>) -> list<u32>` as
/// `(ptr, len, retptr)`.
fn poll(mut caller: Caller<'_, Host>, ptr: i32, len: i32, retptr: i32) -> Result<(), Error> {
    let handles = read(&caller, ptr, len.wrapping_mul(4))?;
    let mut ready = Vec::new();
    for (i, handle) in handles.chunks(4).enumerate() {
        let handle = i32::from_le_bytes(handle.try_into().unwrap());
        if caller.data_mut().poll_ready(handle)? {
            ready.extend((i as u32).to_le_bytes());
        }
    }
    if ready.is_empty() {
        return Err(Error::new("poll would block forever"));
    }
    let count = (ready.len() / 4) as i32;
    let list = allocate(&mut caller, 4, count * 4)?;
    write(&mut caller, list, &ready)?;
    let pair = [list.to_le_bytes(), count.to_le_bytes()].concat();
    write(&mut caller, retptr, &pair)
}

/// `[method]output-stream.blocking-write-and-flush: func(self:
/// borrow<output-stream>, contents: list<u8>) -> result<_, stream-error>`
/// as `(self, ptr, len, retptr)`.
fn write_and_flush(
    mut caller: Caller<'_, Host>,
    stream: i32,
    ptr: i32,
    len: i32,
    retptr: i32,
) -> Result<(), Error> {
    if !caller.data().streams.contains(&stream) {
        return Err(unknown("output-stream", stream));
    }
    let bytes = read(&caller, ptr, len)?;
    caller.data_mut().stdout.extend(bytes);
    write(&mut caller, retptr, &[0])
}

/// The host's implementation of [`WASI_POLL_IMPORTS`].
fn linker(engine: &Engine) -> Result<Linker<Host>, Error> {
    let mut linker = Linker::new(engine);
    linker.func_wrap(
        CLOCK,
        "subscribe-duration",
        |mut c: Caller<'_, Host>, ns: i64| {
            let handle = c.data_mut().handle();
            let pollable = Pollable {
                duration: ns as u64,
                checks: 0,
            };
            c.data_mut().pollables.insert(handle, pollable);
            handle
        },
    )?;
    linker.func_wrap(
        POLL,
        "[method]pollable.ready",
        |mut c: Caller<'_, Host>, handle: i32| -> Result<i32, Error> {
            Ok(c.data_mut().ready(handle)?.into())
        },
    )?;
    linker.func_wrap(POLL, "poll", poll)?;
    linker.func_wrap(STDOUT, "get-stdout", |mut c: Caller<'_, Host>| {
        let handle = c.data_mut().handle();
        c.data_mut().streams.insert(handle);
        handle
    })?;
    linker.func_wrap(
        STREAMS,
        "[method]output-stream.blocking-write-and-flush",
        write_and_flush,
    )?;
    // The host never creates an `error` (its writes do not fail).
    linker.func_wrap(
        ERROR,
        "[resource-drop]error",
        |_: Caller<'_, Host>, handle: i32| -> Result<(), Error> { Err(unknown("error", handle)) },
    )?;
    linker.func_wrap(
        STREAMS,
        "[resource-drop]output-stream",
        |mut c: Caller<'_, Host>, handle: i32| -> Result<(), Error> {
            match c.data_mut().streams.remove(&handle) {
                true => Ok(()),
                false => Err(unknown("output-stream", handle)),
            }
        },
    )?;
    linker.func_wrap(
        POLL,
        "[resource-drop]pollable",
        |mut c: Caller<'_, Host>, handle: i32| -> Result<(), Error> {
            match c.data_mut().pollables.remove(&handle) {
                Some(_) => Ok(()),
                None => Err(unknown("pollable", handle)),
            }
        },
    )?;
    Ok(linker)
}
