//! The generator behind `wit-bindgen-opaque`: stock wit-bindgen-rust 0.61.1
//! output, with the items of opted-in exported resources rewritten so that
//! the resource's rep is an opaque `u32` (the implementing type's inner
//! handle) instead of a pointer to a heap box.
//!
//! [`generate`] runs the stock generator, and when nothing is opted in
//! returns its output unchanged (byte for byte). Otherwise it parses the
//! output with `syn`, rewrites the opted-in resources' items
//! ([`rewrite`]), adds the `OpaqueRep` impls of imported resources and the
//! custom section listing the opt-ins ([`section`]), and prints the result
//! with `prettyplease`.
//!
//! The rewrite relies on the exact shape of wit-bindgen-rust 0.61.1's
//! output (pinned in the workspace); any difference is an error that says
//! which item no longer matches, never silently different code.
#![deny(missing_docs)]

pub mod optin;
pub mod rewrite;
pub mod section;

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use wit_bindgen_core::WorldGenerator;
use wit_parser::{Resolve, WorldId};

pub use optin::OptIn;

/// What to generate: the stock generator's options plus the opt-in list.
#[derive(Default, Debug, Clone)]
pub struct Opts {
    /// Options of the stock Rust generator, passed through unchanged.
    pub stock: wit_bindgen_rust::Opts,
    /// Exported resources whose rep is opaque, each named
    /// `<interface>/<resource>` (e.g. `fixtures:resource-floats/floats/float`).
    pub opaque_reps: Vec<String>,
}

/// A loaded world: the resolve, the world, and the files read to load it.
pub struct World {
    /// Every package read.
    pub resolve: Resolve,
    /// The selected world.
    pub world: WorldId,
    /// The files read (for rebuild tracking).
    pub files: Vec<PathBuf>,
}

impl World {
    /// Loads the WIT at each of `paths` (directories or files) and selects
    /// `world` (or the only world when `None`), as `wit_bindgen::generate!`
    /// does.
    pub fn load(paths: &[impl AsRef<Path>], world: Option<&str>) -> Result<World> {
        let mut resolve = Resolve::default();
        let mut pkgs = Vec::new();
        let mut files = Vec::new();
        for path in paths {
            let path = path.as_ref();
            let (pkg, sources) =
                resolve.push_path(path).with_context(|| format!("reading WIT at {}", path.display()))?;
            pkgs.push(pkg);
            files.extend(sources.paths().map(Path::to_path_buf));
        }
        let world = resolve.select_world(&pkgs, world).context("selecting the world")?;
        Ok(World { resolve, world, files })
    }

    /// Loads inline WIT source (with optional dependency paths loaded first).
    pub fn load_inline(source: &str, deps: &[impl AsRef<Path>], world: Option<&str>) -> Result<World> {
        let mut resolve = Resolve::default();
        let mut files = Vec::new();
        for path in deps {
            let (_, sources) = resolve.push_path(path.as_ref())?;
            files.extend(sources.paths().map(Path::to_path_buf));
        }
        let pkg = resolve.push_str("macro-input", source).context("parsing inline WIT")?;
        let world = resolve.select_world(&[pkg], world).context("selecting the world")?;
        Ok(World { resolve, world, files })
    }
}

/// The stock wit-bindgen-rust output for `world`, unformatted, exactly as
/// `wit_bindgen::generate!` would expand it.
pub fn stock(world: &mut World, opts: &wit_bindgen_rust::Opts) -> Result<String> {
    let mut files = wit_bindgen_core::Files::default();
    opts.clone()
        .build()
        .generate(&mut world.resolve, world.world, &mut files)
        .context("running the stock wit-bindgen-rust generator")?;
    let (_, src) = files.iter().next().context("the stock generator wrote no file")?;
    String::from_utf8(src.to_vec()).context("stock output is not UTF-8")
}

/// The bindings for `world`: the stock output when nothing is opted in,
/// otherwise the stock output with the opted-in resources rewritten.
pub fn generate(world: &mut World, opts: &Opts) -> Result<String> {
    let src = stock(world, &opts.stock)?;
    if opts.opaque_reps.is_empty() {
        return Ok(src);
    }
    let optins = optin::resolve_all(&world.resolve, world.world, &opts.opaque_reps)?;
    let mut file = syn::parse_file(&src).context("parsing the stock output")?;
    rewrite::rewrite(&mut file, &optins)?;
    file.items.push(section::item(&optins));
    Ok(prettyplease::unparse(&file))
}

/// [`generate`], formatted with `prettyplease` (what the command-line tool
/// writes).
pub fn generate_formatted(world: &mut World, opts: &Opts) -> Result<String> {
    let src = generate(world, opts)?;
    let file = syn::parse_file(&src).context("parsing generated bindings")?;
    Ok(prettyplease::unparse(&file))
}
