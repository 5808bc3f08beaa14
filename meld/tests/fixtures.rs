//! Differential tests on the project's fixtures: each fixture is
//! fused with `--component` and run under wasmtime (the oracle, with WASI 0.2
//! from wasmtime-wasi: its `run` export, or `wasi:cli/run` for a WASI
//! command); both forms must show the same (stdout, exit code, the files
//! written into the oracle's preopened directory), and the composed one what
//! [`EXPECTED`] says; the core-module output must validate; fusing twice must
//! give identical bytes; the fused component's WIT (decoded by wit-component)
//! must be the input's. A fused WASI command must work as the socket of
//! `wac plug` (wac-graph). A missing fixture fails its test.

use anyhow::{Context, Result, ensure};
use fixtures::oracle::{Observed, Oracle};
use libtest_mimic::{Arguments, Failed, Trial};

/// Every fixture. The resource ones assert inside their runners that the
/// leaf's (and intermediate's) live-object counts return to zero.
/// `wasi_poll` imports WASI from the host and writes to stdout. The rest
/// come from other producers (`fixtures/<case>/producer.txt`): C WASI
/// commands (clang, wasi-libc, the preview1 adapter), two shared libraries
/// linked by `wit_component::Linker` (`dylink`), a core module using
/// exceptions, and QuickJS (componentize-qjs, synchronous ABI; a dynamically
/// linked component too). `qjs_async` (the component-model async ABI) is not
/// here: the oracle does not run async components yet.
const CASES: [&str; 19] = [
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
    "wasi_poll",
    "c_command",
    "c_exit_code",
    "dylink",
    "exceptions",
    "qjs_sync",
];

/// What a fixture's run shows, written by hand from its source.
struct Expected {
    stdout: &'static str,
    exit_code: i32,
    /// Path in the preopened directory, contents.
    files: &'static [(&'static str, &'static str)],
}

/// What each fixture's run shows when it shows anything (not listed:
/// nothing written, exit code 0).
const EXPECTED: [(&str, Expected); 6] = [
    (
        "wasi_poll",
        Expected {
            stdout: "runner: start\nleaf: polled\nrunner: done\n",
            exit_code: 0,
            files: &[],
        },
    ),
    (
        "c_command",
        Expected {
            stdout: "hello from C: 6 * 7 = 42\nread back 41 bytes: the same\n",
            exit_code: 0,
            files: &[("greeting.txt", "written by a C program through wasi-libc\n")],
        },
    ),
    // `exit(42)`: the preview1 adapter reports every non-zero code as
    // `wasi:cli/exit.exit(err)`, which is exit code 1.
    (
        "c_exit_code",
        Expected {
            stdout: "c_exit_code: exiting with 42\n",
            exit_code: 1,
            files: &[("logs/run.log", "step 1 of 3\nstep 2 of 3\nstep 3 of 3\n")],
        },
    ),
    (
        "dylink",
        Expected {
            stdout: "libcalc: hello from a shared library\n\
                     calc_mul(6, 7) = 42\n\
                     calc_square via GOT.func (9) = 81\n\
                     calc_prime(3) = 7\n\
                     calc_op(0)(41) = 42\n\
                     calc_op(1)(21) = 42\n\
                     libcalc constructors run: 1\n",
            exit_code: 0,
            files: &[],
        },
    ),
    (
        "exceptions",
        Expected {
            stdout: "checked_add(2, 3) = 5\n\
                     checked_add(4294967295, 1) threw overflow(4294967295)\n\
                     descend(10) threw failure(7, 10)\n\
                     rethrown exception caught by catch_all (1 catch_ref handler ran)\n",
            exit_code: 0,
            files: &[],
        },
    ),
    (
        "qjs_sync",
        Expected {
            stdout: "hello from QuickJS\n\
                     primes: 2, 3, 5, 7, 11, 13, 17, 19\n\
                     {\"sum\":77,\"text\":\"ünïcödé ✓\"}\n\
                     caught SyntaxError\n\
                     \"the\" appears 3 times; 2**64 = 18446744073709551616\n",
            exit_code: 0,
            files: &[],
        },
    ),
];

/// [`EXPECTED`] for `case`, as the oracle reports it.
fn expected(case: &str) -> Observed {
    let Some((_, e)) = EXPECTED.iter().find(|(name, _)| *name == case) else {
        return Observed::default();
    };
    Observed {
        stdout: e.stdout.as_bytes().to_vec(),
        exit_code: e.exit_code,
        files: e
            .files
            .iter()
            .map(|(path, text)| (path.to_string(), text.as_bytes().to_vec()))
            .collect(),
    }
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for case in CASES {
        trials.push(Trial::test(
            format!("fused_component_runs::{case}"),
            move || check(fused_component_runs(case)),
        ));
        trials.push(Trial::test(
            format!("core_module_validates::{case}"),
            move || check(core_module_validates(case)),
        ));
        trials.push(Trial::test(
            format!("single_memory_runs::{case}"),
            move || check(single_memory_runs(case)),
        ));
        trials.push(Trial::test(
            format!("rewrapped_by_wit_component::{case}"),
            move || check(rewrapped_by_wit_component(case)),
        ));
        trials.push(Trial::test(format!("deterministic::{case}"), move || {
            check(deterministic(case))
        }));
        trials.push(Trial::test(format!("same_wit::{case}"), move || {
            check(same_wit(case))
        }));
        if case.starts_with("resource") {
            trials.push(Trial::test(
                format!("inspect_resources::{case}"),
                move || check(inspect_resources(case)),
            ));
        }
    }
    trials.push(Trial::test("socket_of_wac_plug::c_command", || {
        check(socket_of_wac_plug("c_command"))
    }));
    libtest_mimic::run(&args, trials).exit();
}

fn check(result: Result<()>) -> Result<(), Failed> {
    result.map_err(|e| format!("{e:?}").into())
}

fn input(case: &str) -> Result<Vec<u8>> {
    fixtures::case(case)?.read_wasm()
}

fn fused_component_runs(case: &str) -> Result<()> {
    let input = input(case)?;
    let oracle = Oracle::new()?;
    let composed = oracle
        .observe(&input)
        .context("the unfused fixture itself fails")?;
    let want = expected(case);
    ensure!(
        composed == want,
        "the unfused fixture showed\n  {composed}\nexpected\n  {want}"
    );
    let fused = meld::Fuser::new().component(true).fuse(&input)?;
    let observed = oracle
        .observe(&fused.bytes)
        .context("running the fused component")?;
    ensure!(
        observed == composed,
        "the fused component showed\n  {observed}\nthe composed one\n  {composed}"
    );
    Ok(())
}

/// A fuser with `--memory single`.
fn single_memory() -> meld::Fuser {
    let mut fuser = meld::Fuser::new();
    fuser.memory(meld::merge::Memory::Single);
    fuser
}

/// The most memories and tables any core module inside `wasm` (a module or
/// a component) defines.
fn most_defined(wasm: &[u8]) -> Result<(u32, u32)> {
    let (mut memories, mut tables) = (0, 0);
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload? {
            wasmparser::Payload::MemorySection(s) => memories = memories.max(s.count()),
            wasmparser::Payload::TableSection(s) => tables = tables.max(s.count()),
            _ => {}
        }
    }
    Ok((memories, tables))
}

/// `--memory single`: the core output defines one memory and validates
/// without multi-memory; the `--component` output's modules define at most
/// one memory and one table each, and it runs under wasmtime's pooling
/// allocator at its default limits like the composition under the ordinary
/// one.
fn single_memory_runs(case: &str) -> Result<()> {
    let input = input(case)?;
    let single = |component| single_memory().component(component).fuse(&input);
    let core = single(false)?.bytes;
    ensure!(
        most_defined(&core)?.0 == 1,
        "the core output has not one memory"
    );
    let mut features = wasmparser::WasmFeatures::default();
    features.set(wasmparser::WasmFeatures::MULTI_MEMORY, false);
    features.set(wasmparser::WasmFeatures::EXCEPTIONS, case == "exceptions");
    wasmparser::Validator::new_with_features(features)
        .validate_all(&core)
        .context("the core output needs more than wasm 2.0 and what the input uses")?;
    let fused = single(true)?.bytes;
    let (memories, tables) = most_defined(&fused)?;
    ensure!(
        memories <= 1 && tables <= 1,
        "a module of the fused component defines {memories} memories and {tables} tables"
    );
    let composed = Oracle::new()?.observe(&input)?;
    let observed = (Oracle::pooling()?.observe(&fused))
        .context("running the fused component under the pooling allocator")?;
    ensure!(
        observed == composed,
        "the fused component showed\n  {observed}\nthe composed one\n  {composed}"
    );
    Ok(())
}

/// The `--memory single` core output follows wit-component's conventions:
/// `wit_component::ComponentEncoder` (`wasm-tools component new`) turns it
/// into a component that runs like the input.
fn rewrapped_by_wit_component(case: &str) -> Result<()> {
    let input = input(case)?;
    let core = single_memory().fuse(&input)?.bytes;
    let component = wit_component::ComponentEncoder::default()
        .module(&core)?
        .validate(true)
        .encode()
        .context("wit-component refuses the core output")?;
    let composed = Oracle::new()?.observe(&input)?;
    let observed =
        (Oracle::new()?.observe(&component)).context("running the re-wrapped core output")?;
    ensure!(
        observed == composed,
        "the re-wrapped core output showed\n  {observed}\nthe composed input\n  {composed}"
    );
    Ok(())
}

fn core_module_validates(case: &str) -> Result<()> {
    let fused = meld::Fuser::new().fuse(&input(case)?)?;
    ensure!(
        !wasmparser::Parser::is_component(&fused.bytes),
        "the default output is a core module"
    );
    let mut features = wasmparser::WasmFeatures::default();
    features.set(wasmparser::WasmFeatures::MULTI_MEMORY, true);
    wasmparser::Validator::new_with_features(features).validate_all(&fused.bytes)?;
    Ok(())
}

fn deterministic(case: &str) -> Result<()> {
    let input = input(case)?;
    for component in [false, true] {
        let a = meld::Fuser::new().component(component).fuse(&input)?;
        let b = meld::Fuser::new().component(component).fuse(&input)?;
        ensure!(
            a.bytes == b.bytes,
            "two fusions differ (component: {component})"
        );
    }
    Ok(())
}

/// `meld inspect` names every resource, gives its definer and the
/// instances whose tables hold it, and reports opaque reps exactly for the
/// `_opaque` cases (where the re-exporter opted in).
fn inspect_resources(case: &str) -> Result<()> {
    let bytes = input(case)?;
    let plan = meld::inspect(&bytes)?;
    ensure!(!plan.resources.is_empty(), "no resources found");
    for (r, res) in plan.resources.iter().enumerate() {
        ensure!(res.name.is_some(), "resource {r} has no name");
        ensure!(res.dtor.is_some(), "resource {r} has no destructor");
        let holders = plan
            .resource_tables
            .iter()
            .flatten()
            .filter(|t| t.resource == r && t.used)
            .count();
        ensure!(holders >= 2, "resource {r} is held in {holders} tables");
    }
    let opaque = plan.resources.iter().filter(|r| r.opaque).count();
    let want = usize::from(case.ends_with("_opaque"));
    ensure!(opaque == want, "{opaque} opaque resources, expected {want}");
    let text = plan.to_string();
    ensure!(
        text.contains("opaque reps:"),
        "the printed plan lacks resources:\n{text}"
    );
    Ok(())
}

/// The WIT of `component` as wit-component decodes it: the root world and
/// every package it refers to, printed.
fn wit(component: &[u8]) -> Result<String> {
    let decoded = wit_component::decode(component)?;
    let resolve = decoded.resolve();
    let others: Vec<_> = (resolve.packages.iter())
        .map(|(id, _)| id)
        .filter(|id| *id != decoded.package())
        .collect();
    let mut printer = wit_component::WitPrinter::default();
    printer.print(resolve, decoded.package(), &others)?;
    Ok(printer.output.to_string())
}

/// The fused component describes its imports and exports with the input's
/// WIT: the same interfaces in the same order, type names, aliases and
/// `use`s.
fn same_wit(case: &str) -> Result<()> {
    let input = input(case)?;
    let fused = meld::Fuser::new().component(true).fuse(&input)?;
    let (want, got) = (wit(&input)?, wit(&fused.bytes)?);
    if want != got {
        let diff: Vec<_> = (want.lines().zip(got.lines()))
            .filter(|(a, b)| a != b)
            .take(5)
            .map(|(a, b)| format!("  input: {a}\n  fused: {b}"))
            .collect();
        anyhow::bail!(
            "the fused component's WIT differs from the input's; first differing lines:\n{}",
            diff.join("\n")
        );
    }
    Ok(())
}

/// `wac plug` (wac-graph's `plug`) of `socket` with `tests/plug/wall-clock.wat`
/// (which `wasi:filesystem/types` depends on through `use ... {datetime}`).
fn plug_wall_clock(socket: Vec<u8>) -> Result<Vec<u8>> {
    use wac_graph::{CompositionGraph, EncodeOptions, types::Package};
    let plug = wat::parse_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/plug/wall-clock.wat"
    ))?;
    let mut graph = CompositionGraph::new();
    let socket = Package::from_bytes("test:socket", None, socket, graph.types_mut())?;
    let socket = graph.register_package(socket)?;
    let plug = Package::from_bytes("test:plug", None, plug, graph.types_mut())?;
    let plug = graph.register_package(plug)?;
    wac_graph::plug(&mut graph, vec![plug], socket)?;
    Ok(graph.encode(EncodeOptions::default())?)
}

/// A fused WASI command is a socket `wac plug` accepts, and the plugged
/// composition runs like the plugged input (and like [`EXPECTED`]).
fn socket_of_wac_plug(case: &str) -> Result<()> {
    let input = input(case)?;
    let fused = meld::Fuser::new().component(true).fuse(&input)?;
    let oracle = Oracle::new()?;
    let plugged_input = plug_wall_clock(input).context("plugging the input")?;
    let plugged_fused = plug_wall_clock(fused.bytes).context("plugging the fused component")?;
    // What stays imported of the clock is its `datetime` type, which
    // `wasi:filesystem/types` uses; its functions come from the plug.
    let (plugged_wit, want_wit) = (wit(&plugged_fused)?, wit(&plugged_input)?);
    ensure!(
        !want_wit.contains("now: func"),
        "the plug did not replace the input's wall clock:\n{want_wit}"
    );
    ensure!(
        plugged_wit == want_wit,
        "the plugged fused component's WIT\n{plugged_wit}\ndiffers from the plugged input's\n{want_wit}"
    );
    let want = expected(case);
    let composed = oracle
        .observe(&plugged_input)
        .context("running the plugged input")?;
    ensure!(
        composed == want,
        "the plugged input showed\n  {composed}\nexpected\n  {want}"
    );
    let observed = oracle
        .observe(&plugged_fused)
        .context("running the plugged fused component")?;
    ensure!(
        observed == composed,
        "the plugged fused component showed\n  {observed}\nthe plugged input\n  {composed}"
    );
    Ok(())
}
