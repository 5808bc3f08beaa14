//! The equivalence check: for every opted-in world ([`crate::sites`]), the
//! patched generator's output equals wit-bindgen-opaque's, formatted, after
//! the differences listed below are applied to wit-bindgen-opaque's output;
//! and with the opt-ins left out, the two outputs are equal as they are (the
//! series changes nothing for resources not opted in).
//!
//! The listed differences (see patches/README.md, "Differences"):
//!
//! - **D1, no custom section.** wit-bindgen-opaque embeds a
//!   `wit-bindgen-opaque` custom section naming the opt-ins (a marker for
//!   meld's `inspect`); the series does not. Removed: the one
//!   `const _: () = { .. link_section = "wit-bindgen-opaque" .. };` item.
//! - **D2, runtime path.** wit-bindgen-opaque's runtime support lives in its
//!   own crate (`::wit_bindgen_opaque::OpaqueRep`,
//!   `::wit_bindgen_opaque::rt::*`); the series puts it in wit-bindgen's
//!   runtime, named through `runtime_path` (`wit_bindgen::rt::OpaqueRep`,
//!   `wit_bindgen::rt::*`). Rewritten: those paths.
//! - **D3, no unused `as_ptr`.** wit-bindgen-opaque can only replace the
//!   items it rewrites, so the owned wrapper of an opted-in resource keeps
//!   stock's private `as_ptr` (a `*mut T::Rep` for a box that no longer
//!   exists, and unused); the series does not emit it. Removed: `as_ptr`
//!   from each owned wrapper that has `opaque_taken_`.
//!
//! Each difference must apply exactly where expected (D1 once, D3 once per
//! opt-in, D2 at least once), so a stale rule fails instead of hiding a
//! change.

use anyhow::{Context, Result, bail};
use quote_free::squash;
use std::path::Path;
use std::process::Command;
use syn::{ImplItem, Item};

use crate::sites::{self, Site};
use crate::{Source, ensure, format};

mod quote_free {
    use proc_macro2::TokenStream;
    /// Tokens printed without whitespace.
    pub fn squash(tokens: TokenStream) -> String {
        tokens.to_string().chars().filter(|c| !c.is_whitespace()).collect()
    }
}

pub fn run(root: &Path, reference: &Path, out_dir: &Path) -> Result<()> {
    ensure(reference.is_file(), || format!("the reference tool {} does not exist", reference.display()))?;
    std::fs::create_dir_all(out_dir)?;
    let sites = sites::discover(root)?;
    let mut failed = Vec::new();
    for (i, site) in sites.iter().enumerate() {
        let slug = format!("{:02}-{}", i + 1, site.name.replace(['/', '#', '.'], "_"));
        match compare(site, reference, out_dir, &slug) {
            Ok(note) => println!("same     {}  ({note})", site.name),
            Err(e) => {
                println!("DIFFERS  {}", site.name);
                eprintln!("{e:#}");
                failed.push(site.name.clone());
            }
        }
    }
    if !failed.is_empty() {
        bail!("{} of {} opted-in worlds differ: {}", failed.len(), sites.len(), failed.join(", "));
    }
    println!("{} passed, 0 failed: patched wit-bindgen-rust vs wit-bindgen-opaque", sites.len());
    Ok(())
}

fn compare(site: &Site, reference: &Path, out_dir: &Path, slug: &str) -> Result<String> {
    let rt = site.runtime_path.clone().unwrap_or_else(|| "wit_bindgen::rt".to_string());

    // Opted in: equal after D1-D3.
    let theirs = run_reference(site, reference, out_dir, slug, true)?;
    let (theirs, applied) = normalize(&theirs, site.opt_ins.len(), &rt)?;
    let ours = crate::generate(&site.source, site.world.as_deref(), patched_opts(site, true))?;
    same(out_dir, &format!("{slug}.opted-in"), &theirs, &ours)?;

    // Nothing opted in: equal as they are.
    let theirs = run_reference(site, reference, out_dir, slug, false)?;
    let ours = crate::generate(&site.source, site.world.as_deref(), patched_opts(site, false))?;
    same(out_dir, &format!("{slug}.stock"), &format(&theirs)?, &ours)?;

    Ok(format!("{} opted in; {applied}; stock output unchanged", site.opt_ins.join(", ")))
}

fn patched_opts(site: &Site, opted_in: bool) -> wit_bindgen_rust::Opts {
    let mut opts = wit_bindgen_rust::Opts::default();
    if opted_in {
        opts.opaque_export_resources = site.opt_ins.clone();
    }
    opts.runtime_path = site.runtime_path.clone();
    opts.generate_all = site.generate_all;
    opts.pub_export_macro = site.pub_export_macro;
    opts.export_macro_name = site.export_macro_name.clone();
    opts.default_bindings_module = site.default_bindings_module.clone();
    opts
}

/// wit-bindgen-opaque's command line on `site`.
fn run_reference(site: &Site, reference: &Path, out_dir: &Path, slug: &str, opted_in: bool) -> Result<String> {
    let mut cmd = Command::new(reference);
    match &site.source {
        Source::Paths(paths) => {
            cmd.args(paths);
        }
        Source::Inline { source, deps } => {
            let file = out_dir.join(format!("{slug}.inline.wit"));
            std::fs::write(&file, source)?;
            cmd.args(deps).arg(file);
        }
    }
    if let Some(world) = &site.world {
        cmd.args(["--world", world]);
    }
    if opted_in {
        for o in &site.opt_ins {
            cmd.args(["--opaque-rep", o]);
        }
    }
    if let Some(p) = &site.runtime_path {
        cmd.args(["--runtime-path", p]);
    }
    if site.generate_all {
        cmd.arg("--generate-all");
    }
    if site.pub_export_macro {
        cmd.arg("--pub-export-macro");
    }
    if let Some(n) = &site.export_macro_name {
        cmd.args(["--export-macro-name", n]);
    }
    if let Some(m) = &site.default_bindings_module {
        cmd.args(["--default-bindings-module", m]);
    }
    let out = out_dir.join(format!("{slug}.{}.reference.rs", if opted_in { "opted-in" } else { "stock" }));
    cmd.arg("-o").arg(&out);
    let output = cmd.output().with_context(|| format!("running {}", reference.display()))?;
    if !output.status.success() {
        bail!("wit-bindgen-opaque failed on {}: {}", site.name, String::from_utf8_lossy(&output.stderr));
    }
    std::fs::read_to_string(&out).with_context(|| format!("reading {}", out.display()))
}

/// wit-bindgen-opaque's output with D1-D3 applied, formatted; and a note of
/// what was applied.
fn normalize(src: &str, opt_ins: usize, rt: &str) -> Result<(String, String)> {
    let mut file = syn::parse_file(src).context("parsing wit-bindgen-opaque's output")?;

    // D1
    let before = file.items.len();
    file.items.retain(|item| !matches!(item, Item::Const(c) if squash(quote::ToTokens::to_token_stream(c)).contains("link_section=\"wit-bindgen-opaque\"")));
    let d1 = before - file.items.len();
    ensure(d1 == 1, || format!("D1: expected one `wit-bindgen-opaque` custom section item, found {d1}"))?;

    // D3
    let mut d3 = 0;
    remove_owned_as_ptr(&mut file.items, &mut d3);
    ensure(d3 == opt_ins, || format!("D3: expected to remove {opt_ins} owned `as_ptr` (one per opt-in), removed {d3}"))?;

    // D2
    let mut text = prettyplease::unparse(&file);
    let mut d2 = 0;
    for (from, to) in [
        ("::wit_bindgen_opaque::rt::".to_string(), format!("{rt}::")),
        ("::wit_bindgen_opaque::OpaqueRep".to_string(), format!("{rt}::OpaqueRep")),
    ] {
        d2 += text.matches(&from).count();
        text = text.replace(&from, &to);
    }
    ensure(d2 > 0, || "D2: no `::wit_bindgen_opaque::` path to rewrite".to_string())?;
    ensure(!text.contains("wit_bindgen_opaque"), || "D2: a `wit_bindgen_opaque` path is left after rewriting".to_string())?;
    Ok((format(&text)?, format!("D1 x{d1}, D2 x{d2}, D3 x{d3} applied")))
}

fn remove_owned_as_ptr(items: &mut [Item], removed: &mut usize) {
    for item in items {
        match item {
            Item::Mod(m) => {
                if let Some((_, inner)) = &mut m.content {
                    remove_owned_as_ptr(inner, removed);
                }
            }
            Item::Impl(imp) if imp.trait_.is_none() => {
                let opaque = imp.items.iter().any(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "opaque_taken_"));
                if opaque {
                    let before = imp.items.len();
                    imp.items.retain(|i| !matches!(i, ImplItem::Fn(f) if f.sig.ident == "as_ptr"));
                    *removed += before - imp.items.len();
                }
            }
            _ => {}
        }
    }
}

/// Fails with a unified diff when `theirs` and `ours` differ (both written to
/// `out_dir`).
fn same(out_dir: &Path, name: &str, theirs: &str, ours: &str) -> Result<()> {
    let a = out_dir.join(format!("{name}.wit-bindgen-opaque.rs"));
    let b = out_dir.join(format!("{name}.patched.rs"));
    std::fs::write(&a, theirs)?;
    std::fs::write(&b, ours)?;
    if theirs == ours {
        return Ok(());
    }
    let diff = Command::new("diff").arg("-u").arg(&a).arg(&b).output().context("running diff")?;
    bail!("{name}: outputs differ\n{}", String::from_utf8_lossy(&diff.stdout));
}
