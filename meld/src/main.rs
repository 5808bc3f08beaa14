//! The `meld` command line: `meld fuse` and `meld inspect`.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Statically fuses a composed WebAssembly component into one core module.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fuse a component into one core module (or, with --component, a
    /// component wrapping it).
    Fuse {
        /// The input component, binary or text format (`-` reads stdin).
        input: PathBuf,
        /// Where to write the output (`-` writes stdout).
        #[arg(short, long)]
        output: PathBuf,
        /// Output a component that wraps the fused module and re-exports the
        /// input's root exports.
        #[arg(long)]
        component: bool,
    },
    /// Print the flattened plan of a component.
    Inspect {
        /// The input component, binary or text format (`-` reads stdin).
        input: PathBuf,
    },
}

fn main() {
    if let Err(e) = run(Cli::parse()) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Fuse {
            input,
            output,
            component,
        } => {
            let start = Instant::now();
            let bytes = read(&input)?;
            let fused = meld::Fuser::new().component(component).fuse(&bytes)?;
            write(&output, &fused.bytes)?;
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
        Command::Inspect { input } => {
            let plan = meld::inspect(&read(&input)?)?;
            write!(std::io::stdout(), "{plan}").context("writing stdout")?;
        }
    }
    Ok(())
}

/// Reads the input; the text format (`.wat`) is parsed to binary, as
/// wasm-tools does.
fn read(path: &Path) -> Result<Vec<u8>> {
    let bytes = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading stdin")?;
        bytes
    } else {
        std::fs::read(path).with_context(|| format!("reading {}", path.display()))?
    };
    let bytes = wat::parse_bytes(&bytes)
        .with_context(|| format!("parsing {} as the text format", path.display()))?;
    Ok(bytes.into_owned())
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if path == Path::new("-") {
        return std::io::stdout().write_all(bytes).context("writing stdout");
    }
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}
