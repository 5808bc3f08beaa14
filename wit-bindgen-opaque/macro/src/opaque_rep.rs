//! `#[opaque_rep]`: accepts a one-field struct and implements `OpaqueRep`
//! for it by delegating to the field's impl (so the field must itself be an
//! opaque rep: an imported resource handle or a `u32`, which the trait's
//! `on_unimplemented` message says when it is not).

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Error, Fields, Item, Result};

pub fn expand(attr: TokenStream, item: TokenStream) -> Result<TokenStream> {
    if !attr.is_empty() {
        return Err(Error::new_spanned(attr, "`#[opaque_rep]` takes no arguments"));
    }
    let item: Item = syn::parse2(item)?;
    let Item::Struct(mut s) = item else {
        return Err(Error::new_spanned(
            item,
            "`#[opaque_rep]` applies to a struct with exactly one field (an imported resource handle or a `u32`)",
        ));
    };
    if let Some(attr) = s.attrs.iter().find(|a| a.path().is_ident("repr")) {
        return Err(Error::new_spanned(attr, "`#[opaque_rep]` adds `#[repr(transparent)]` itself; remove this `repr`"));
    }
    if !s.generics.params.is_empty() {
        return Err(Error::new_spanned(&s.generics, "`#[opaque_rep]` does not support generic structs"));
    }
    let fields = match &s.fields {
        Fields::Named(f) => &f.named,
        Fields::Unnamed(f) => &f.unnamed,
        Fields::Unit => &syn::punctuated::Punctuated::new(),
    };
    if fields.len() != 1 {
        return Err(Error::new_spanned(
            &s.fields,
            format!(
                "`#[opaque_rep]` needs exactly one field (an imported resource handle or a `u32`), `{}` has {}: \
                 the rep is that one field's `u32`, so there is nowhere to keep more state",
                s.ident,
                fields.len()
            ),
        ));
    }
    let field = fields.first().unwrap();
    let ty = &field.ty;
    let (take, build) = match &field.ident {
        Some(name) => (quote!(self.#name), quote!(Self { #name: inner })),
        None => (quote!(self.0), quote!(Self(inner))),
    };
    let name = &s.ident;
    s.attrs.push(syn::parse_quote!(#[repr(transparent)]));
    Ok(quote! {
        #s
        // SAFETY: `#name` is `repr(transparent)` over its only field, itself
        // an `OpaqueRep`, so it has the field's layout and bit pattern.
        unsafe impl ::wit_bindgen_opaque::OpaqueRep for #name {
            fn into_rep(self) -> u32 {
                <#ty as ::wit_bindgen_opaque::OpaqueRep>::into_rep(#take)
            }
            unsafe fn from_rep(rep: u32) -> Self {
                let inner = unsafe { <#ty as ::wit_bindgen_opaque::OpaqueRep>::from_rep(rep) };
                #build
            }
        }
    })
}
