//! Compositions importing real WASI 0.2 interfaces (`tests/wasi/*.wat`:
//! wasi:io/error, poll and streams, wasi:cli/stdout, wasi:clocks, wasi:random
//! at @0.2.12, as wasmtime-wasi 48 provides them), run under wasmtime-wasi's
//! own implementation (`wasmtime_wasi::p2::add_to_linker_sync`) with stdout
//! captured. The composed and the fused (`--component`) forms must return
//! the same values, write the same stdout bytes and trap alike. The host's
//! resources (output-stream, pollable, error) cross the host boundary and
//! the component boundaries inside the composition.

use anyhow::{Context, Result, ensure};
use common::trial;
use common::wasi::WasiHost;
use libtest_mimic::Arguments;
use std::fmt;
use wasmtime::component::{Component, Linker, Val};
use wasmtime::{Store, format_err};
use wasmtime_wasi::WasiCtx;
use wasmtime_wasi::cli::{AsyncStdoutStream, StdoutStream};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

mod common;

fn main() {
    let args = Arguments::from_args();
    let trials = vec![
        trial("wasi::stdout", stdout),
        trial("wasi::stdout_trap", stdout_trap),
        trial("wasi::stdout_drop_parent", stdout_drop_parent),
        trial("wasi::stream_errors", stream_errors),
        trial("wasi::poll", poll),
        trial("wasi::import_type_names", move || {
            common::same_import_names(
                &common::assemble("wasi", "errors.wat")?,
                &["wasi:io/streams@0.2.12#stream-error"],
            )
        }),
        trial("wasi::single", move || single("@0.2.12")),
        trial("wasi::single_older_version", move || single("@0.2.0")),
    ];
    libtest_mimic::run(&args, trials).exit();
}

/// What one call of a root export did.
#[derive(Debug, PartialEq)]
enum Outcome {
    Returned(Vec<Val>),
    /// The trap's root cause. The traps here all come from wasmtime-wasi,
    /// so both forms report the same cause (a trap meld emits for guest
    /// misuse would read differently from wasmtime's).
    Trapped(String),
}

/// The observations compared between the composed and the fused forms.
#[derive(PartialEq)]
struct Observed {
    outcome: Outcome,
    stdout: Vec<u8>,
}

impl fmt::Debug for Observed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Observed")
            .field("outcome", &self.outcome)
            .field("stdout", &self.stdout.escape_ascii().to_string())
            .finish()
    }
}

/// Instantiates `component` under wasmtime-wasi with `stdout` as its
/// stdout and the insecure random seed `SEED`, calls the root export
/// `export` without arguments, returns what it did and the bytes
/// `captured` holds afterwards.
fn run(
    component: &[u8],
    export: &str,
    stdout: impl StdoutStream + 'static,
    captured: impl Fn() -> Vec<u8>,
) -> wasmtime::Result<Observed> {
    let engine = common::engine()?;
    let mut linker = Linker::<WasiHost>::new(&engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    let wasi = WasiCtx::builder()
        .stdout(stdout)
        .insecure_random_seed(SEED)
        .build();
    let host = WasiHost::new(wasi);
    let mut store = Store::new(&engine, host);
    let component = Component::new(&engine, component)?;
    let instance = linker.instantiate(&mut store, &component)?;
    let f = instance
        .get_func(&mut store, export)
        .ok_or_else(|| format_err!("no export {export}"))?;
    let mut results = vec![Val::Bool(false); f.ty(&store).results().len()];
    let outcome = match f.call(&mut store, &[], &mut results) {
        Ok(()) => Outcome::Returned(results),
        Err(e) => Outcome::Trapped(e.root_cause().to_string()),
    };
    Ok(Observed {
        outcome,
        stdout: captured(),
    })
}

/// [`run`] with stdout captured in memory.
fn run_captured(component: &[u8], export: &str) -> wasmtime::Result<Observed> {
    let pipe = MemoryOutputPipe::new(1 << 16);
    let captured = pipe.clone();
    run(component, export, pipe, move || {
        captured.contents().to_vec()
    })
}

/// The seed wasi:random/insecure-seed reports.
const SEED: u128 = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210;

/// Two components write to stdout through their own streams, one calling
/// the other: the same bytes in the same order, the same handle numbers.
fn stdout() -> Result<()> {
    let composed = common::assemble("wasi", "stdout.wat")?;
    common::composed_and_fused(
        &composed,
        |c| run_captured(c, "run"),
        |o| {
            ensure!(
                o.stdout == b"main: before\nwriter: hello\nmain: after\n",
                "{o:?}"
            );
            // Each component's first handle is 1.
            let handles = Val::Tuple(vec![Val::U32(1), Val::U32(1)]);
            ensure!(o.outcome == Outcome::Returned(vec![handles]), "{o:?}");
            Ok(())
        },
    )?;
    Ok(())
}

/// A nested component's over-long blocking-write-and-flush traps in the
/// host; what it wrote before stays written.
fn stdout_trap() -> Result<()> {
    let composed = common::assemble("wasi", "stdout.wat")?;
    common::composed_and_fused(
        &composed,
        |c| run_captured(c, "too-long"),
        |o| {
            ensure!(o.stdout == b"writer: hello\n", "{o:?}");
            let cause = "Buffer too large for blocking-write-and-flush (expected at most 4096)";
            ensure!(o.outcome == Outcome::Trapped(cause.into()), "{o:?}");
            Ok(())
        },
    )?;
    Ok(())
}

/// Dropping an output-stream while a pollable subscribed to it lives is a
/// host error (wasmtime-wasi's table keeps the pollable as its child).
fn stdout_drop_parent() -> Result<()> {
    let composed = common::assemble("wasi", "stdout.wat")?;
    common::composed_and_fused(
        &composed,
        |c| run_captured(c, "drop-parent"),
        |o| {
            let cause = "resource has children";
            ensure!(o.outcome == Outcome::Trapped(cause.into()), "{o:?}");
            Ok(())
        },
    )?;
    Ok(())
}

/// A host resource in a stream error (last-operation-failed(own<error>))
/// crosses from the host into one component and on into another, which
/// reads and drops it; the stream is closed afterwards.
fn stream_errors() -> Result<()> {
    let composed = common::assemble("wasi", "errors.wat")?;
    // A stdout that takes 16 bytes: wasmtime-wasi's tokio writer adapter
    // over a full memory pipe fails (write zero) once, then is closed.
    let full = |c: &[u8]| {
        let pipe = MemoryOutputPipe::new(16);
        let captured = pipe.clone();
        let stdout = AsyncStdoutStream::new(4096, pipe);
        run(c, "run", stdout, move || captured.contents().to_vec())
    };
    common::composed_and_fused(&composed, full, |o| {
        ensure!(o.stdout == b"hello, wasi!\n012", "{o:?}");
        // ok, last-operation-failed, closed; the error's debug string.
        let codes = [0, 1, 2].map(Val::U32);
        let want = Val::Tuple([&codes[..], &[Val::String("write zero".into())]].concat());
        ensure!(o.outcome == Outcome::Returned(vec![want]), "{o:?}");
        Ok(())
    })?;
    Ok(())
}

/// Pollables from the monotonic clock, made in one component and polled
/// (a list of borrows to the host) in another.
fn poll() -> Result<()> {
    let composed = common::assemble("wasi", "poll.wat")?;
    common::composed_and_fused(
        &composed,
        |c| run_captured(c, "run"),
        |o| {
            let indices = Val::List(vec![Val::U32(0), Val::U32(2)]);
            let ready = [false, false, true, false, true].map(Val::Bool);
            let want = Val::Tuple([vec![indices], ready.to_vec()].concat());
            ensure!(o.outcome == Outcome::Returned(vec![want]), "{o:?}");
            Ok(())
        },
    )?;
    Ok(())
}

/// A single component importing WASI (no nesting), its imports at
/// `version`: wasmtime's linker serves @0.2.0 with its @0.2.12.
fn single(version: &str) -> Result<()> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wasi/single.wat");
    let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
    let composed = wat::parse_str(text.replace("@0.2.12", version))?;
    common::composed_and_fused(
        &composed,
        |c| run_captured(c, "run"),
        |o| {
            ensure!(o.stdout == b"single: hello\n", "{o:?}");
            // The seed's two halves and the stream's handle.
            let seed = [SEED as u64, (SEED >> 64) as u64].map(Val::U64);
            let want = Val::Tuple([&seed[..], &[Val::U32(1)]].concat());
            ensure!(o.outcome == Outcome::Returned(vec![want]), "{o:?}");
            Ok(())
        },
    )?;
    Ok(())
}
