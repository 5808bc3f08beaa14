//! `wit-bindgen-opaque`: writes the bindings for a world to a file (the
//! checked-in `bindings.rs` style), or with `--check` fails when the file
//! differs from what it would write.

use anyhow::{Context, Result, bail};
use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;
use wit_bindgen_opaque_gen::{Opts, World, generate_formatted};

/// Generates Rust guest bindings with opaque reps for opted-in resources.
#[derive(Parser)]
#[command(name = "wit-bindgen-opaque", version)]
struct Cli {
    /// WIT directories or files to read (like `path` in `generate!`).
    #[arg(required = true)]
    wit: Vec<PathBuf>,
    /// The world to generate (needed when the WIT defines several).
    #[arg(long)]
    world: Option<String>,
    /// An exported resource whose rep is opaque, `<interface>/<resource>`
    /// (e.g. `fixtures:resource-floats/floats/float`). Repeatable.
    #[arg(long = "opaque-rep", value_name = "INTERFACE/RESOURCE")]
    opaque_reps: Vec<String>,
    /// Where to write the bindings.
    #[arg(long, short, default_value = "bindings.rs")]
    out: PathBuf,
    /// Write nothing; exit non-zero if `--out` differs from what would be
    /// written.
    #[arg(long)]
    check: bool,
    /// The stock generator's options.
    #[command(flatten)]
    stock: wit_bindgen_rust::Opts,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let mut world = World::load(&cli.wit, cli.world.as_deref())?;
    let opts = Opts { stock: cli.stock, opaque_reps: cli.opaque_reps };
    let src = generate_formatted(&mut world, &opts)?;
    if cli.check {
        let on_disk = std::fs::read_to_string(&cli.out).with_context(|| format!("reading {}", cli.out.display()))?;
        if on_disk != src {
            bail!("{} is stale: regenerate it (same command without `--check`)", cli.out.display());
        }
        return Ok(());
    }
    std::fs::write(&cli.out, src).with_context(|| format!("writing {}", cli.out.display()))
}
