//! Finding the opted-in worlds of the project's tests and fixtures.
//!
//! Every `.rs` file under the scanned directories that mentions an opt-in
//! (`opaque_reps`, `--opaque-rep`) must yield at least one site, or the scan
//! fails: a new opted-in world cannot be left out of the comparison.
//!
//! - `wit_bindgen_opaque::generate!({ .. })` invocations are read from the
//!   source: their options become the site's generator options.
//! - Opt-ins made through the library or the command line (the generator's
//!   own tests) are listed in [`EXPLICIT`], each checked against its file.

use anyhow::{Context, Result, bail};
use proc_macro2::TokenStream;
use std::path::{Path, PathBuf};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::{Ident, LitBool, LitStr, Token};

use crate::Source;

/// Directories scanned, relative to the checkout.
pub const SCANNED: &[&str] = &["fixtures", "wit-bindgen-opaque/tests", "wit-bindgen-opaque/gen/tests"];

/// Text that marks a file as opting something in.
const MARKERS: &[&str] = &["opaque_reps", "--opaque-rep"];

/// One opted-in world and the options it is generated with.
#[derive(Debug, Clone)]
pub struct Site {
    /// The file it comes from, relative to the checkout (plus `#n` for the
    /// n-th invocation in a file holding several).
    pub name: String,
    pub source: Source,
    pub world: Option<String>,
    /// `<interface>/<resource>` names.
    pub opt_ins: Vec<String>,
    pub runtime_path: Option<String>,
    pub generate_all: bool,
    pub pub_export_macro: bool,
    pub export_macro_name: Option<String>,
    pub default_bindings_module: Option<String>,
}

/// Sites that are not `generate!` invocations: the file, and what it opts in
/// (the world of `wit-bindgen-opaque/tests/wit`, with extra command-line
/// options). Each named opt-in and option must appear in the file's text.
const EXPLICIT: &[(&str, &str, &str, &[&str])] = &[
    // The `cli` test: `--check` of the checked-in `tests/bindings/reexporter.rs`.
    ("wit-bindgen-opaque/gen/tests/cli.rs", "reexporter", "test:shapes/outer/cell", &["--default-bindings-module", "crate::bindings"]),
    // The shape test, through the library with default options.
    ("wit-bindgen-opaque/gen/tests/upstream_shape.rs", "reexporter", "test:shapes/outer/cell", &[]),
];

/// Every site under the checkout `root`.
pub fn discover(root: &Path) -> Result<Vec<Site>> {
    let mut files = Vec::new();
    for dir in SCANNED {
        collect_rs(&root.join(dir), &mut files)?;
    }
    files.sort();
    let mut sites = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
        if !MARKERS.iter().any(|m| text.contains(m)) {
            continue;
        }
        let rel = file.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        let found = from_macros(&file, &rel, &text)?;
        let found = if found.is_empty() { explicit(root, &rel, &text)? } else { found };
        if found.is_empty() {
            bail!(
                "{rel} opts a resource in, but is neither a `wit_bindgen_opaque::generate!` call nor listed in \
                 `EXPLICIT` (patches/harness/src/sites.rs): add it there so its world is compared"
            );
        }
        sites.extend(found);
    }
    if sites.is_empty() {
        bail!("found no opted-in world under {}: the scan is broken", root.display());
    }
    Ok(sites)
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            collect_rs(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

fn explicit(root: &Path, rel: &str, text: &str) -> Result<Vec<Site>> {
    let Some(&(_, world, opt_in, args)) = EXPLICIT.iter().find(|(file, ..)| *file == rel) else {
        return Ok(Vec::new());
    };
    for needle in std::iter::once(&opt_in).chain(args) {
        if !text.contains(needle) {
            bail!("{rel} no longer mentions `{needle}`: update `EXPLICIT` in patches/harness/src/sites.rs");
        }
    }
    let mut site = Site {
        name: rel.to_string(),
        source: Source::Paths(vec![root.join("wit-bindgen-opaque/tests/wit")]),
        world: Some(world.to_string()),
        opt_ins: vec![opt_in.to_string()],
        runtime_path: None,
        generate_all: false,
        pub_export_macro: false,
        export_macro_name: None,
        default_bindings_module: None,
    };
    match args {
        [] => {}
        ["--default-bindings-module", m] => site.default_bindings_module = Some(m.to_string()),
        other => bail!("EXPLICIT entry for {rel}: unsupported options {other:?}"),
    }
    Ok(vec![site])
}

/// The `wit_bindgen_opaque::generate!` invocations of one file that opt
/// something in.
fn from_macros(file: &Path, rel: &str, text: &str) -> Result<Vec<Site>> {
    let ast = syn::parse_file(text).with_context(|| format!("parsing {rel}"))?;
    let mut finder = Finder(Vec::new());
    finder.visit_file(&ast);
    let manifest_dir = file
        .ancestors()
        .find(|d| d.join("Cargo.toml").is_file())
        .with_context(|| format!("{rel} is in no crate"))?;
    let many = finder.0.len() > 1;
    let mut sites = Vec::new();
    for (i, tokens) in finder.0.into_iter().enumerate() {
        let name = if many { format!("{rel}#{}", i + 1) } else { rel.to_string() };
        let site = parse_options(tokens, manifest_dir, name.clone()).with_context(|| format!("reading the options of {name}"))?;
        if !site.opt_ins.is_empty() {
            sites.push(site);
        }
    }
    Ok(sites)
}

struct Finder(Vec<TokenStream>);

impl<'ast> Visit<'ast> for Finder {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let segs: Vec<String> = mac.path.segments.iter().map(|s| s.ident.to_string()).collect();
        if segs == ["wit_bindgen_opaque", "generate"] {
            self.0.push(mac.tokens.clone());
        }
    }
}

enum Value {
    Str(LitStr),
    List(Vec<LitStr>),
    Bool(LitBool),
    Ident,
}

fn value(input: ParseStream<'_>) -> syn::Result<Value> {
    if input.peek(syn::token::Bracket) {
        let content;
        syn::bracketed!(content in input);
        Ok(Value::List(Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?.into_iter().collect()))
    } else if input.peek(LitStr) {
        Ok(Value::Str(input.parse()?))
    } else if input.peek(LitBool) {
        Ok(Value::Bool(input.parse()?))
    } else {
        input.parse::<Ident>()?;
        Ok(Value::Ident)
    }
}

fn parse_options(tokens: TokenStream, manifest_dir: &Path, name: String) -> Result<Site> {
    let parser = |input: ParseStream<'_>| {
        let content;
        syn::braced!(content in input);
        Punctuated::<(Ident, Value), Token![,]>::parse_terminated_with(&content, |input| {
            let key: Ident = input.parse()?;
            input.parse::<Token![:]>()?;
            Ok((key, value(input)?))
        })
    };
    let options = parser.parse2(tokens)?;
    let mut site = Site {
        name,
        source: Source::Paths(Vec::new()),
        world: None,
        opt_ins: Vec::new(),
        runtime_path: None,
        generate_all: false,
        pub_export_macro: false,
        export_macro_name: None,
        default_bindings_module: None,
    };
    let mut paths = Vec::new();
    let mut inline = None;
    for (key, value) in options {
        match (key.to_string().as_str(), value) {
            ("world", Value::Str(s)) => site.world = Some(s.value()),
            ("path", Value::Str(s)) => paths.push(manifest_dir.join(s.value())),
            ("path", Value::List(l)) => paths.extend(l.iter().map(|s| manifest_dir.join(s.value()))),
            ("inline", Value::Str(s)) => inline = Some(s.value()),
            ("opaque_reps", Value::List(l)) => site.opt_ins.extend(l.iter().map(LitStr::value)),
            ("runtime_path", Value::Str(s)) => site.runtime_path = Some(s.value()),
            ("generate_all", Value::Ident | Value::Bool(_)) => site.generate_all = true,
            ("pub_export_macro", Value::Bool(b)) => site.pub_export_macro = b.value,
            ("export_macro_name", Value::Str(s)) => site.export_macro_name = Some(s.value()),
            ("default_bindings_module", Value::Str(s)) => site.default_bindings_module = Some(s.value()),
            (other, _) => bail!("option `{other}` (or its value) is not understood by the harness: teach patches/harness/src/sites.rs"),
        }
    }
    site.source = match inline {
        Some(source) => Source::Inline { source, deps: paths },
        None if paths.is_empty() => Source::Paths(vec![manifest_dir.join("wit")]),
        None => Source::Paths(paths),
    };
    Ok(site)
}
