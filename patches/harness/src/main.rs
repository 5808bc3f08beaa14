//! The harness of `patches/check.sh`.
//!
//! - `generate`: the patched wit-bindgen-rust as a command line (WIT paths,
//!   `--world`, every `wit_bindgen_rust::Opts` flag, including the series'
//!   `--opaque-export-resources`), writing formatted bindings. Used for the
//!   upstream-layout runtime test (`//@ args` of each component).
//! - `equiv`: finds every opted-in world in the project's tests and fixtures
//!   ([`sites`]), generates its bindings with the patched generator and with
//!   wit-bindgen-opaque's command line, and compares them ([`equiv`]).

mod equiv;
mod sites;

use anyhow::{Context, Result, bail};
use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wit_bindgen_core::WorldGenerator;
use wit_bindgen_core::wit_parser::Resolve;

#[derive(Parser)]
enum Cli {
    /// Write the patched generator's bindings for a world.
    Generate {
        /// WIT directories or files.
        #[arg(required = true)]
        wit: Vec<PathBuf>,
        #[arg(long)]
        world: Option<String>,
        #[arg(long, short)]
        out: PathBuf,
        #[command(flatten)]
        opts: wit_bindgen_rust::Opts,
    },
    /// Compare the patched generator with wit-bindgen-opaque on every
    /// opted-in world of the project.
    Equiv {
        /// The project's checkout.
        #[arg(long)]
        root: PathBuf,
        /// wit-bindgen-opaque's command-line tool (the reference).
        #[arg(long)]
        reference: PathBuf,
        /// Where to write each case's outputs.
        #[arg(long)]
        out_dir: PathBuf,
    },
}

fn main() -> ExitCode {
    let result = match Cli::parse() {
        Cli::Generate { wit, world, out, opts } => (|| {
            let src = generate(&Source::Paths(wit), world.as_deref(), opts)?;
            std::fs::write(&out, src).with_context(|| format!("writing {}", out.display()))
        })(),
        Cli::Equiv { root, reference, out_dir } => equiv::run(&root, &reference, &out_dir),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Where a world's WIT comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Directories or files, loaded in order.
    Paths(Vec<PathBuf>),
    /// Inline WIT (the `inline` option of `generate!`), after `deps`.
    Inline { source: String, deps: Vec<PathBuf> },
}

/// The patched generator's output for `world`, formatted with prettyplease.
pub fn generate(source: &Source, world: Option<&str>, opts: wit_bindgen_rust::Opts) -> Result<String> {
    let mut resolve = Resolve::default();
    let mut pkgs = Vec::new();
    let push = |resolve: &mut Resolve, path: &Path| {
        resolve.push_path(path).map(|(pkg, _)| pkg).with_context(|| format!("reading WIT at {}", path.display()))
    };
    match source {
        Source::Paths(paths) => {
            for path in paths {
                pkgs.push(push(&mut resolve, path)?);
            }
        }
        Source::Inline { source, deps } => {
            for path in deps {
                push(&mut resolve, path)?;
            }
            pkgs.push(resolve.push_str("macro-input", source).context("parsing inline WIT")?);
        }
    }
    let world = resolve.select_world(&pkgs, world).context("selecting the world")?;
    let mut files = wit_bindgen_core::Files::default();
    opts.build().generate(&mut resolve, world, &mut files).context("running the patched generator")?;
    let (_, src) = files.iter().next().context("the generator wrote no file")?;
    let src = std::str::from_utf8(src).context("generated bindings are not UTF-8")?;
    format(src)
}

/// `src` parsed and printed with prettyplease (what both sides are compared as).
pub fn format(src: &str) -> Result<String> {
    let file = syn::parse_file(src).context("parsing generated bindings")?;
    Ok(prettyplease::unparse(&file))
}

/// Fails unless `cond`, with `msg`.
pub fn ensure(cond: bool, msg: impl FnOnce() -> String) -> Result<()> {
    if !cond {
        bail!("{}", msg());
    }
    Ok(())
}
