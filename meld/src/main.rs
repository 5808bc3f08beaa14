//! The `meld` command line: `meld fuse` and `meld inspect`.
//!
//! Exit codes: 0 success; 1 a problem with the input (not WebAssembly, an
//! invalid component, a feature meld does not support) or with reading or
//! writing files; 2 a usage error; 3 an internal error (a bug in meld).
//! Outputs are written atomically: on any error an existing output file is
//! left as it was.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Statically fuses a composed WebAssembly component into one core module.
#[derive(Parser)]
#[command(
    version = concat!(
        env!("CARGO_PKG_VERSION"),
        " (follows wasmtime-environ ",
        meld::wasmtime_environ_version!(),
        ")"
    ),
    after_help = "Exit codes: 0 success; 1 a problem with the input (not WebAssembly, an invalid \
                  component, a feature meld does not support) or with reading or writing files; \
                  2 a usage error; 3 an internal error (a bug in meld: please report it)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// `--debug-info`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum DebugInfo {
    /// Carry DWARF, its code addresses rewritten.
    Keep,
    /// Drop DWARF.
    Strip,
}

/// `--memory`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Memory {
    /// One memory per instance memory, plus the handle tables'.
    Multi,
    /// Every memory a region of one memory.
    Single,
}

/// A `--memory-budget` size: bytes, or with a `KiB`, `MiB` or `GiB` suffix,
/// a whole number of 64 KiB pages; returns pages.
fn pages(text: &str) -> Result<u64, String> {
    let (digits, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, ""),
    };
    let unit: u64 = match unit {
        "" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        _ => return Err(format!("`{unit}` is not a unit: use KiB, MiB or GiB")),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size"))?;
    let bytes = n.checked_mul(unit).filter(|b| *b <= 1 << 32);
    match bytes {
        Some(b) if b % 65536 == 0 => Ok(b / 65536),
        Some(_) => Err(format!("{text} is not a whole number of 64 KiB pages")),
        None => Err(format!("{text} is more than the 4 GiB of a 32-bit memory")),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Fuse a component into one core module (or, with --component, a
    /// component wrapping it).
    Fuse {
        /// The input component, binary or text format (`-` reads stdin).
        input: PathBuf,
        /// Where to write the output (`-` or none: stdout, unless it is a
        /// terminal and the output binary).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Write the output in the text format (WAT).
        #[arg(short = 't', long = "wat")]
        wat: bool,
        /// Output a component that wraps the fused module and re-exports the
        /// input's root exports.
        #[arg(long)]
        component: bool,
        /// What to do with the input's DWARF: `keep` carries every core
        /// module's `.debug_*` sections with code addresses rewritten;
        /// `strip` drops them. Names and producers are kept either way.
        #[arg(long, value_enum, default_value_t = DebugInfo::Keep)]
        debug_info: DebugInfo,
        /// How the output's linear memories are laid out: `multi` keeps one
        /// memory per instance memory (plus the handle tables'); `single`
        /// puts each in a region of one memory, every access rebased and
        /// bounds-checked against its region, `memory.grow` virtualised per
        /// region.
        #[arg(long, value_enum, default_value_t = Memory::Multi)]
        memory: Memory,
        /// With `--memory single`: the most a region may grow to when its
        /// memory declares no maximum (e.g. `256MiB`; default: limited only
        /// by the one memory's 4 GiB).
        #[arg(long, value_parser = pages, value_name = "SIZE")]
        memory_budget: Option<u64>,
    },
    /// Print the flattened plan of a component.
    Inspect {
        /// The input component, binary or text format (`-` reads stdin).
        input: PathBuf,
        /// Print the plan as JSON (stable field names, see the README).
        #[arg(long)]
        json: bool,
    },
}

fn main() {
    let cli = Cli::parse();
    // A panic is a bug in meld: reported as an internal error, not as a
    // Rust backtrace.
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()));
        let message = (info.payload().downcast_ref::<&str>().map(|s| s.to_string()))
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!(
            "error: internal error: meld panicked{}: {message}\nthis is a bug in meld; please \
             report it with the input",
            location.unwrap_or_default()
        );
    }));
    let code = match std::panic::catch_unwind(|| run(cli)) {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            eprintln!("error: {e:#}");
            e.downcast_ref::<meld::Error>()
                .map_or(1, meld::Error::exit_code)
        }
        Err(_) => 3,
    };
    std::process::exit(code);
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Fuse {
            input,
            output,
            wat,
            component,
            debug_info,
            memory,
            memory_budget,
        } => {
            let start = Instant::now();
            let bytes = read(&input)?;
            let debug_info = match debug_info {
                DebugInfo::Keep => meld::merge::DebugInfo::Keep,
                DebugInfo::Strip => meld::merge::DebugInfo::Strip,
            };
            let memory = match memory {
                Memory::Multi => meld::merge::Memory::Multi,
                Memory::Single => meld::merge::Memory::Single,
            };
            if memory_budget.is_some() && matches!(memory, meld::merge::Memory::Multi) {
                eprintln!("error: --memory-budget needs --memory single");
                std::process::exit(2);
            }
            let fused = meld::Fuser::new()
                .component(component)
                .debug_info(debug_info)
                .memory(memory)
                .memory_budget(memory_budget)
                .fuse(&bytes)?;
            let out = if wat {
                wasmprinter::print_bytes(&fused.bytes)
                    .context("printing the output as text")?
                    .into_bytes()
            } else {
                fused.bytes.clone()
            };
            let output = output.unwrap_or_else(|| PathBuf::from("-"));
            if !wat && output == Path::new("-") && std::io::stdout().is_terminal() {
                eprintln!(
                    "error: refusing to write binary wasm to a terminal: pass `-o FILE`, \
                     redirect stdout, or `-t` for the text format"
                );
                std::process::exit(2);
            }
            write(&output, &out)?;
            let s = fused.stats;
            eprintln!(
                "fused {} component instances, {} core instances ({} adapters): {} -> {} bytes in {:.1?}",
                s.component_instances,
                s.core_instances,
                s.adapters,
                bytes.len(),
                fused.bytes.len(),
                start.elapsed()
            );
        }
        Command::Inspect { input, json } => {
            let bytes = read(&input)?;
            let plan = meld::inspect(&bytes)?;
            let text = if json {
                let mut text = serde_json::to_string_pretty(&plan.to_json())?;
                text.push('\n');
                text
            } else {
                plan.to_string()
            };
            write!(std::io::stdout(), "{text}").context("writing stdout")?;
        }
    }
    Ok(())
}

/// Reads the input; the text format (`.wat`) is parsed to binary, as
/// wasm-tools does.
fn read(path: &Path) -> Result<Vec<u8>> {
    let bytes = read_bytes(path)?;
    Ok(meld::validate::to_binary(&bytes)?.into_owned())
}

fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let bytes = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading stdin")?;
        bytes
    } else {
        std::fs::read(path).with_context(|| format!("reading {}", path.display()))?
    };
    Ok(bytes)
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if path == Path::new("-") {
        return std::io::stdout().write_all(bytes).context("writing stdout");
    }
    // A temporary file beside the target, renamed over it once complete.
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().context("the output path names no file")?;
    let mut temp = dir.join(format!(
        ".{}.meld-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    if temp == path {
        temp.set_extension("tmp");
    }
    let result = std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.with_context(|| format!("writing {}", path.display()))
}
