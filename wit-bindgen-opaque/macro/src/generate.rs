//! `generate!`: option parsing and expansion.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Error, Ident, LitStr, Result, Token, bracketed};
use wit_bindgen_opaque_gen::{Opts, World};

/// One `key: value` option.
enum Opt {
    World(LitStr),
    Path(Vec<LitStr>),
    Inline(LitStr),
    OpaqueReps(Vec<LitStr>),
    RuntimePath(LitStr),
    GenerateAll,
    PubExportMacro,
    ExportMacroName(LitStr),
    DefaultBindingsModule(LitStr),
}

fn strings(input: ParseStream<'_>) -> Result<Vec<LitStr>> {
    if input.peek(syn::token::Bracket) {
        let content;
        bracketed!(content in input);
        Ok(Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?.into_iter().collect())
    } else {
        Ok(vec![input.parse()?])
    }
}

impl Parse for Opt {
    fn parse(input: ParseStream<'_>) -> Result<Self> {
        let key: Ident = input.parse()?;
        input.parse::<Token![:]>()?;
        let flag = |input: ParseStream<'_>| -> Result<bool> { Ok(input.parse::<syn::LitBool>()?.value) };
        Ok(match key.to_string().as_str() {
            "world" => Opt::World(input.parse()?),
            "path" => Opt::Path(strings(input)?),
            "inline" => Opt::Inline(input.parse()?),
            "opaque_reps" => Opt::OpaqueReps(strings(input)?),
            "runtime_path" => Opt::RuntimePath(input.parse()?),
            "generate_all" => {
                input.parse::<Ident>()?;
                Opt::GenerateAll
            }
            "pub_export_macro" => {
                if !flag(input)? {
                    return Err(Error::new(key.span(), "`pub_export_macro: false` is the default; omit it"));
                }
                Opt::PubExportMacro
            }
            "export_macro_name" => Opt::ExportMacroName(input.parse()?),
            "default_bindings_module" => Opt::DefaultBindingsModule(input.parse()?),
            other => {
                return Err(Error::new(
                    key.span(),
                    format!(
                        "unknown or unsupported option `{other}` (supported: world, path, inline, opaque_reps, \
                         runtime_path, generate_all, pub_export_macro, export_macro_name, default_bindings_module)"
                    ),
                ));
            }
        })
    }
}

pub fn expand(input: TokenStream) -> Result<TokenStream> {
    let opts: Vec<Opt> = if input.is_empty() {
        Vec::new()
    } else {
        let parser = |input: ParseStream<'_>| {
            let content;
            syn::braced!(content in input);
            Punctuated::<Opt, Token![,]>::parse_terminated(&content)
        };
        syn::parse::Parser::parse2(parser, input)?.into_iter().collect()
    };
    let mut world = None;
    let mut paths = Vec::new();
    let mut inline = None;
    let mut o = Opts::default();
    for opt in opts {
        match opt {
            Opt::World(s) => world = Some(s.value()),
            Opt::Path(p) => paths.extend(p.iter().map(LitStr::value)),
            Opt::Inline(s) => inline = Some(s.value()),
            Opt::OpaqueReps(list) => o.opaque_reps.extend(list.iter().map(LitStr::value)),
            Opt::RuntimePath(s) => o.stock.runtime_path = Some(s.value()),
            Opt::GenerateAll => o.stock.generate_all = true,
            Opt::PubExportMacro => o.stock.pub_export_macro = true,
            Opt::ExportMacroName(s) => o.stock.export_macro_name = Some(s.value()),
            Opt::DefaultBindingsModule(s) => o.stock.default_bindings_module = Some(s.value()),
        }
    }
    let root = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let paths: Vec<_> = paths.iter().map(|p| root.join(p)).collect();
    let loaded = match &inline {
        Some(src) => World::load_inline(src, &paths, world.as_deref()),
        None if paths.is_empty() => World::load(&[root.join("wit")], world.as_deref()),
        None => World::load(&paths, world.as_deref()),
    };
    let result = loaded.and_then(|mut w| Ok((wit_bindgen_opaque_gen::generate(&mut w, &o)?, w.files)));
    let (src, files) = result.map_err(|e| Error::new(Span::call_site(), format!("{e:#}")))?;
    let mut out: TokenStream = src.parse().map_err(|e| Error::new(Span::call_site(), format!("{e}")))?;
    for file in files {
        let file = file.display().to_string();
        out.extend(quote::quote!(const _: &[u8] = include_bytes!(#file);));
    }
    Ok(out)
}
