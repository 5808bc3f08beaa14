//! The custom section listing the opted-in resources, so a fuser can find
//! them in the built module.
//!
//! Section name: `wit-bindgen-opaque`. Contents: UTF-8 text, a header line
//! `wit-bindgen-opaque 1` then one line per opted-in resource,
//! `<interface>#<resource>` (e.g. `fixtures:resource-floats/floats#float`),
//! each line ending in `\n`. Several generated bindings linked into one
//! module concatenate their sections (wasm-ld appends custom sections of the
//! same name), so a reader must accept repeated headers.

use crate::OptIn;

/// The custom section's name.
pub const NAME: &str = "wit-bindgen-opaque";

/// The section's contents for `optins`.
pub fn contents(optins: &[OptIn]) -> String {
    let mut s = String::from("wit-bindgen-opaque 1\n");
    for o in optins {
        s.push_str(&format!("{}#{}\n", o.interface, o.resource));
    }
    s
}

/// Parses a section's contents back into `(interface, resource)` pairs.
pub fn parse(contents: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for line in contents.lines() {
        if line == "wit-bindgen-opaque 1" {
            continue;
        }
        let (i, r) = line.rsplit_once('#')?;
        out.push((i.to_string(), r.to_string()));
    }
    Some(out)
}

/// The item embedding the section (wasm32 only), wrapped in `const _` so
/// several `generate!` calls in one crate do not clash.
pub fn item(optins: &[OptIn]) -> syn::Item {
    let bytes = contents(optins);
    let len = bytes.len();
    let lit = syn::LitByteStr::new(bytes.as_bytes(), proc_macro2::Span::call_site());
    syn::parse_quote! {
        const _: () = {
            #[cfg(target_arch = "wasm32")]
            #[unsafe(link_section = "wit-bindgen-opaque")]
            #[used]
            static __WIT_BINDGEN_OPAQUE_REPS: [u8; #len] = *#lit;
        };
    }
}
