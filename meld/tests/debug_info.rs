//! Debug information through fusion, on two fixtures built with DWARF:
//! `debug_trap` (Rust guests built with the fixtures' `debug-fixture`
//! profile: unoptimised, full DWARF in each core module; its runner calls
//! the leaf's `boom` across a component boundary and the leaf traps on the
//! line of `fixtures/debug_trap/leaf/src/lib.rs` marked `// TRAP LINE`) and
//! `c_debug` (a C WASI command, clang `-g -O0`, with wasi-libc's own DWARF;
//! it traps three C frames deep, in `checks.c`). Each test runs per case.
//!
//! - `trap_location_survives_fusion`: run composed under wasmtime with
//!   backtrace details on, the trap's backtrace names that file and line
//!   (and frames of the runner's source); run fused (`--component`), the
//!   backtrace's (file, line) list is the same, frame for frame.
//! - `fused_core_module_dwarf_verifies`: meld's core-module output carries
//!   DWARF (`.debug_info`, `.debug_line`) and `llvm-dwarfdump --verify`
//!   accepts it.
//! - `input_dwarf_verifies`: every core module of the composed input passes
//!   `llvm-dwarfdump --verify` (the baseline: the tool reads wasm DWARF and
//!   the fixture's own DWARF is sound).
//! - `fusing_twice_gives_the_same_dwarf`: the output (DWARF included) is
//!   deterministic.
//! - `strip_drops_dwarf_keeps_names`: `--debug-info strip` output has no
//!   `.debug_*` section and still names the trapping function.
//!
//! `llvm-dwarfdump` (LLVM 14, Debian's `llvm` package, installed by
//! `fixtures/toolchain.sh`) reads DWARF from a wasm module's `.debug_*`
//! custom sections directly. Missing, it fails the test that needs it.

use anyhow::{Context, Result, bail, ensure};
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::PathBuf;
use std::process::Command;
use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Engine, Store, Trap, WasmBacktrace, WasmBacktraceDetails};
use wasmtime_wasi::WasiCtx;

mod common;
use common::wasi::WasiHost;

/// A fixture with DWARF that traps on purpose.
#[derive(Clone, Copy)]
struct Case {
    /// The case's name (`fixtures/<name>`).
    name: &'static str,
    /// The source, relative to the case directory, whose line ending in
    /// [`TRAP_MARKER`] traps.
    trap_source: &'static str,
    /// A source of a caller whose frame the backtrace must show.
    caller_source: &'static str,
    /// A part of the trapping function's name in the name section.
    trap_function: &'static str,
    /// How many of the input's core modules carry DWARF.
    with_dwarf: usize,
}

const CASES: [Case; 2] = [
    Case {
        name: "debug_trap",
        trap_source: "leaf/src/lib.rs",
        caller_source: "runner/src/lib.rs",
        trap_function: "boom",
        with_dwarf: 2,
    },
    Case {
        name: "c_debug",
        trap_source: "checks.c",
        caller_source: "main.c",
        trap_function: "check",
        with_dwarf: 1,
    },
];

/// The marker on the trapping line of the leaf's source.
const TRAP_MARKER: &str = "// TRAP LINE";

/// The DWARF tool the dwarfdump tests run.
const DWARFDUMP: &str = "llvm-dwarfdump";

fn main() {
    let args = Arguments::from_args();
    type Test = fn(Case) -> Result<()>;
    let tests: [(&str, Test); 5] = [
        (
            "trap_location_survives_fusion",
            trap_location_survives_fusion,
        ),
        (
            "fusing_twice_gives_the_same_dwarf",
            fusing_twice_gives_the_same_dwarf,
        ),
        (
            "fused_core_module_dwarf_verifies",
            fused_core_module_dwarf_verifies,
        ),
        ("input_dwarf_verifies", input_dwarf_verifies),
        (
            "strip_drops_dwarf_keeps_names",
            strip_drops_dwarf_keeps_names,
        ),
    ];
    let mut trials = Vec::new();
    for (name, test) in tests {
        for case in CASES {
            trials.push(Trial::test(format!("{name}::{}", case.name), move || {
                check(test(case))
            }));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}

fn check(result: Result<()>) -> Result<(), Failed> {
    result.map_err(|e| format!("{e:?}").into())
}

/// The committed fixture; missing, an error saying how to build it.
fn input(case: Case) -> Result<Vec<u8>> {
    fixtures::case(case.name)?.read_wasm()
}

fn case_dir(case: Case) -> PathBuf {
    fixtures::fixtures_dir().join(case.name)
}

/// The 1-based line of the case's trap source that carries
/// [`TRAP_MARKER`] (exactly one must).
fn trap_line(case: Case) -> Result<u32> {
    let path = case_dir(case).join(case.trap_source);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let lines: Vec<u32> = (text.lines().enumerate())
        .filter(|(_, line)| line.trim_end().ends_with(TRAP_MARKER))
        .map(|(n, _)| n as u32 + 1)
        .collect();
    match lines[..] {
        [line] => Ok(line),
        _ => bail!(
            "{}: expected one line ending in `{TRAP_MARKER}`, found {lines:?}",
            path.display()
        ),
    }
}

/// One symbolized location of a backtrace frame: the source file as the
/// DWARF names it and the line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Location {
    file: String,
    line: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// What one trapping run showed: the (file, line) of every symbol of every
/// frame that has both, innermost frame first (a frame's inlined symbols in
/// wasmtime's order), and every frame described for a failure message.
struct Backtrace {
    locations: Vec<Location>,
    frames: Vec<String>,
}

impl Backtrace {
    fn locations_text(&self) -> String {
        if self.locations.is_empty() {
            return "  (none)".to_string();
        }
        (self.locations.iter())
            .map(|l| format!("  {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn frames_text(&self) -> String {
        (self.frames.iter())
            .map(|f| format!("  {f}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// An engine that symbolizes trap backtraces from the modules' DWARF;
/// multi-memory for the fused module (one memory per original instance).
fn engine() -> Result<Engine> {
    let mut config = Config::new();
    config
        .wasm_component_model(true)
        .wasm_multi_memory(true)
        .wasm_backtrace_details(WasmBacktraceDetails::Enable);
    Ok(Engine::new(&config)?)
}

/// Instantiates `component` with WASI 0.2, calls its entry point (the root
/// `run: func()`, or `run` of its `wasi:cli/run@0.2.x` export), requires an
/// `unreachable` trap and returns the trap's backtrace.
fn trap_backtrace(engine: &Engine, component: &[u8]) -> Result<Backtrace> {
    let component = Component::new(engine, component)
        .map_err(anyhow::Error::from)
        .context("compiling the component")?;
    let mut linker = Linker::<WasiHost>::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    let host = WasiHost::new(WasiCtx::builder().build());
    let mut store = Store::new(engine, host);
    let instance = linker
        .instantiate(&mut store, &component)
        .map_err(anyhow::Error::from)
        .context("instantiating the component")?;
    let command = (component.component_type().exports(engine))
        .map(|(name, _)| name.to_string())
        .find(|name| name.starts_with("wasi:cli/run@0.2."));
    let called = match command {
        None => {
            let run = instance
                .get_typed_func::<(), ()>(&mut store, "run")
                .map_err(anyhow::Error::from)
                .context("the export `run` is not `func()`")?;
            run.call(&mut store, ())
        }
        Some(name) => {
            let run = instance
                .get_export_index(&mut store, None, &name)
                .and_then(|i| instance.get_export_index(&mut store, Some(&i), "run"))
                .with_context(|| format!("`{name}` has no `run`"))?;
            let run = instance
                .get_typed_func::<(), (Result<(), ()>,)>(&mut store, &run)
                .map_err(anyhow::Error::from)?;
            run.call(&mut store, ()).map(drop)
        }
    };
    let err = match called {
        Ok(()) => bail!("the entry point returned; it must trap"),
        Err(err) => err,
    };
    ensure!(
        err.downcast_ref::<Trap>() == Some(&Trap::UnreachableCodeReached),
        "`run` failed, but not with the leaf's `unreachable` trap: {err:?}"
    );
    let backtrace = err
        .downcast_ref::<WasmBacktrace>()
        .with_context(|| format!("the trap carries no wasm backtrace: {err:?}"))?;
    let mut locations = Vec::new();
    let mut frames = Vec::new();
    for frame in backtrace.frames() {
        let mut symbols = Vec::new();
        for sym in frame.symbols() {
            if let (Some(file), Some(line)) = (sym.file(), sym.line()) {
                locations.push(Location {
                    file: file.to_string(),
                    line,
                });
            }
            symbols.push(format!(
                "{} at {}:{}",
                sym.name().unwrap_or("?"),
                sym.file().unwrap_or("?"),
                sym.line().map_or("?".to_string(), |l| l.to_string()),
            ));
        }
        frames.push(format!(
            "module {:?} func {} ({}) offset {:?}: [{}]",
            frame.module().name().unwrap_or("?"),
            frame.func_index(),
            frame.func_name().unwrap_or("?"),
            frame.module_offset(),
            symbols.join("; ")
        ));
    }
    Ok(Backtrace { locations, frames })
}

/// Whether `file` (as DWARF names it, e.g.
/// `/src/fixtures/debug_trap/leaf/src/lib.rs`) is the case's `source`.
fn is_source_of(file: &str, case: Case, source: &str) -> bool {
    file.replace('\\', "/")
        .ends_with(&format!("{}/{source}", case.name))
}

fn trap_location_survives_fusion(case: Case) -> Result<()> {
    let input = input(case)?;
    let line = trap_line(case)?;
    let engine = engine()?;
    let composed = trap_backtrace(&engine, &input).context("running the composed fixture")?;
    let leaf_file = format!("{}/{}", case.name, case.trap_source);
    ensure!(
        (composed.locations.iter())
            .any(|l| is_source_of(&l.file, case, case.trap_source) && l.line == line),
        "the composed backtrace does not name {leaf_file}:{line} (the `{TRAP_MARKER}`); \
         its (file, line) list:\n{}\nits frames:\n{}",
        composed.locations_text(),
        composed.frames_text()
    );
    ensure!(
        (composed.locations.iter()).any(|l| is_source_of(&l.file, case, case.caller_source)),
        "the composed backtrace has no frame of {}; its (file, line) list:\n{}",
        case.caller_source,
        composed.locations_text()
    );

    for memory in [meld::merge::Memory::Multi, meld::merge::Memory::Single] {
        let fused = meld::Fuser::new()
            .component(true)
            .memory(memory)
            .fuse(&input)?;
        let fused = trap_backtrace(&engine, &fused.bytes)
            .with_context(|| format!("running the fused component ({memory:?} memory)"))?;
        ensure!(
            fused.locations == composed.locations,
            "the fused backtrace's (file, line) list differs from the composed one's \
             ({memory:?} memory){}\nfused:\n{}\ncomposed:\n{}\nfused frames:\n{}",
            if fused.locations.is_empty() {
                " (the fused frames have no file:line at all: no DWARF reached the fused module?)"
            } else {
                ""
            },
            fused.locations_text(),
            composed.locations_text(),
            fused.frames_text()
        );
    }
    Ok(())
}

/// The names of the custom sections of `module` (a core module) that start
/// with `.debug_`.
fn debug_sections(module: &[u8]) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let wasmparser::Payload::CustomSection(reader) = payload?
            && reader.name().starts_with(".debug_")
        {
            names.push(reader.name().to_string());
        }
    }
    Ok(names)
}

/// Writes `module` to a scratch file of its own (tests run in parallel)
/// ending in `name`, runs `llvm-dwarfdump <flag>` on it and returns what
/// it printed; a missing tool fails, saying how to install it.
fn dwarfdump(module: &[u8], name: &str, flag: &str) -> Result<std::process::Output> {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path =
        std::env::temp_dir().join(format!("meld-dwarfdump-{}-{n}-{name}", std::process::id()));
    std::fs::write(&path, module).with_context(|| format!("writing {}", path.display()))?;
    let output = Command::new(DWARFDUMP).arg(flag).arg(&path).output();
    let _ = std::fs::remove_file(&path);
    match output {
        Ok(output) => Ok(output),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "`{DWARFDUMP}` is not installed (Debian's `llvm` package): run fixtures/toolchain.sh"
        ),
        Err(e) => Err(e).with_context(|| format!("running {DWARFDUMP}")),
    }
}

/// Runs `llvm-dwarfdump --verify` on `module` and fails unless it succeeds
/// without reporting an error.
fn dwarfdump_verify(module: &[u8], name: &str) -> Result<()> {
    let output = dwarfdump(module, name, "--verify")?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // The verifier's findings, without its progress lines.
    let findings = || {
        (text.lines())
            .filter(|l| !l.starts_with("Verifying "))
            .take(40)
            .collect::<Vec<_>>()
            .join("\n")
    };
    ensure!(
        output.status.success(),
        "`{DWARFDUMP} --verify` failed ({}):\n{}",
        output.status,
        findings()
    );
    // Unit names may contain "error" (wasi-libc's `strerror.c`): only the
    // verifier's own lines count.
    let verdicts = (text.lines())
        .filter(|l| !l.starts_with("Verifying ") && l.trim() != "No errors.")
        .collect::<Vec<_>>()
        .join("\n");
    ensure!(
        !verdicts.to_lowercase().contains("error"),
        "`{DWARFDUMP} --verify` reported errors:\n{}",
        findings()
    );
    ensure!(
        text.contains("No errors."),
        "`{DWARFDUMP} --verify` did not say `No errors.`:\n{}",
        findings()
    );
    Ok(())
}

fn fused_core_module_dwarf_verifies(case: Case) -> Result<()> {
    let input = input(case)?;
    for memory in [meld::merge::Memory::Multi, meld::merge::Memory::Single] {
        let fused = meld::Fuser::new().memory(memory).fuse(&input)?;
        ensure!(
            !wasmparser::Parser::is_component(&fused.bytes),
            "the default output is a core module"
        );
        let sections = debug_sections(&fused.bytes)?;
        for needed in [".debug_info", ".debug_line"] {
            ensure!(
                sections.iter().any(|s| s == needed),
                "the fused core module ({memory:?} memory) has no `{needed}` section (its \
                 .debug_* sections: {sections:?}), though every core module of the input has DWARF"
            );
        }
        dwarfdump_verify(&fused.bytes, &format!("fused-{memory:?}.wasm"))
            .with_context(|| format!("the fused core module ({memory:?} memory)"))?;
        frame_bases_name_stack_pointers(&fused.bytes)
            .with_context(|| format!("{memory:?} memory"))?;
    }
    Ok(())
}

/// Every global a fused DWARF expression names (`DW_OP_WASM_location 0x1`
/// or `0x3 <index>`: the guests' frame bases) is some instance's
/// `__stack_pointer` by the name section, and there is at least one: the
/// global indices were remapped into the fused module's.
fn frame_bases_name_stack_pointers(module: &[u8]) -> Result<()> {
    let mut globals = std::collections::HashMap::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let wasmparser::Payload::CustomSection(c) = payload?
            && let wasmparser::KnownCustom::Name(reader) = c.as_known()
        {
            for name in reader {
                if let wasmparser::Name::Global(map) = name? {
                    for naming in map {
                        let naming = naming?;
                        globals.insert(naming.index, naming.name.to_string());
                    }
                }
            }
        }
    }
    let output = dwarfdump(module, "fused.wasm", "--debug-info")?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut named = 0;
    for op in text.split("DW_OP_WASM_location ").skip(1) {
        let mut words = op.split_whitespace();
        let (Some(kind), Some(index)) = (words.next(), words.next()) else {
            continue;
        };
        if kind != "0x1" && kind != "0x3" {
            continue;
        }
        let index = index.trim_end_matches([',', ')']);
        let index = u32::from_str_radix(index.trim_start_matches("0x"), 16)
            .with_context(|| format!("a global index `{index}` in the fused DWARF"))?;
        if index == u32::MAX {
            continue; // a tombstone the input has too
        }
        let name = globals.get(&index).map_or("(unnamed)", String::as_str);
        ensure!(
            name.ends_with("__stack_pointer"),
            "a fused DWARF expression names global {index}, `{name}`, not a __stack_pointer"
        );
        named += 1;
    }
    ensure!(named > 0, "no fused DWARF expression names a global");
    Ok(())
}

/// The core modules of the component `input`, at any depth, in the order
/// they appear.
fn core_modules(input: &[u8]) -> Result<Vec<&[u8]>> {
    let mut modules = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(input) {
        if let wasmparser::Payload::ModuleSection {
            unchecked_range, ..
        } = payload?
        {
            modules.push(&input[unchecked_range]);
        }
    }
    Ok(modules)
}

fn input_dwarf_verifies(case: Case) -> Result<()> {
    let input = input(case)?;
    let modules = core_modules(&input)?;
    let mut with_dwarf = 0;
    for (i, module) in modules.iter().enumerate() {
        let sections = debug_sections(module)?;
        if sections.is_empty() {
            // wit-component's shims and the adapters compositions add have
            // no DWARF; only the guests' modules do.
            continue;
        }
        with_dwarf += 1;
        dwarfdump_verify(module, &format!("input-{i}.wasm"))
            .with_context(|| format!("core module {i} of the input"))?;
    }
    ensure!(
        with_dwarf == case.with_dwarf,
        "expected {} core modules with DWARF (the guests'); {with_dwarf} of the input's {} do",
        case.with_dwarf,
        modules.len()
    );
    Ok(())
}

/// The function names of a core module's name section.
fn function_names(module: &[u8]) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let wasmparser::Payload::CustomSection(c) = payload?
            && let wasmparser::KnownCustom::Name(reader) = c.as_known()
        {
            for name in reader {
                if let wasmparser::Name::Function(map) = name? {
                    for naming in map {
                        names.push(naming?.name.to_string());
                    }
                }
            }
        }
    }
    Ok(names)
}

fn fusing_twice_gives_the_same_dwarf(case: Case) -> Result<()> {
    let input = input(case)?;
    let first = meld::Fuser::new().fuse(&input)?;
    let second = meld::Fuser::new().fuse(&input)?;
    ensure!(
        first.bytes == second.bytes,
        "two fusions of the same input differ"
    );
    Ok(())
}

fn strip_drops_dwarf_keeps_names(case: Case) -> Result<()> {
    let input = input(case)?;
    let fused = meld::Fuser::new()
        .debug_info(meld::merge::DebugInfo::Strip)
        .fuse(&input)?;
    let sections = debug_sections(&fused.bytes)?;
    ensure!(sections.is_empty(), "--debug-info strip kept {sections:?}");
    let names = function_names(&fused.bytes)?;
    ensure!(
        names.iter().any(|n| n.contains(case.trap_function)),
        "the stripped module does not name `{}`",
        case.trap_function
    );
    Ok(())
}
