//! The syn edit: replaces the boxed-rep items of each opted-in exported
//! resource with opaque-rep ones, and implements `OpaqueRep` for every
//! imported resource type.
//!
//! For an opted-in resource `R` (trait `GuestR`, borrow `RBorrow`), in the
//! module of its interface:
//!
//! - `impl R`: `new`, `get`, `get_mut`, `into_inner`, `dtor` are replaced
//!   and a `opaque_taken_` helper is added (the rep `into_inner` takes, which
//!   the destructor run by the handle's drop must skip);
//! - `struct RBorrow`: the `rep` field holds the rep itself
//!   (`wit_bindgen_opaque::rt::BorrowedRep`) instead of a pointer;
//! - `impl RBorrow`: `lift` and `get` are replaced, `as_ptr` removed;
//! - `trait GuestR`: gains the supertrait `wit_bindgen_opaque::OpaqueRep`.
//!
//! Items are found by what wit-bindgen-rust 0.61.1 emits (the module holding
//! `unsafe impl _rt::WasmResource for R` whose drop links to
//! `[export]<interface>` / `[resource-drop]<resource>`), and every replaced
//! item's signature is compared with the one expected first. A mismatch is
//! an [`ShapeError`]: the pinned upstream changed shape.

use anyhow::Result;
use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use syn::{File, ImplItem, Item, ItemImpl, ItemMod, TraitItem, parse_quote};

use crate::OptIn;

/// The stock output does not have the shape the rewrite expects.
#[derive(Debug)]
pub struct ShapeError(pub String);

impl std::fmt::Display for ShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "wit-bindgen-rust output no longer has the shape wit-bindgen-opaque expects \
             (the rewrite was written against 0.61.1): {}",
            self.0
        )
    }
}

impl std::error::Error for ShapeError {}

fn shape(msg: impl Into<String>) -> anyhow::Error {
    ShapeError(msg.into()).into()
}

/// Rewrites every resource in `optins`, and adds `OpaqueRep` impls for the
/// imported resource types, in place.
pub fn rewrite(file: &mut File, optins: &[OptIn]) -> Result<()> {
    for optin in optins {
        let module = find_export_module(&mut file.items, optin)?.ok_or_else(|| {
            shape(format!(
                "no module with `unsafe impl _rt::WasmResource` linking `[export]{}` `[resource-drop]{}`",
                optin.interface, optin.resource
            ))
        })?;
        rewrite_resource(module, optin)?;
    }
    impl_imported(&mut file.items);
    Ok(())
}

/// The resource's Rust name, if `item` is the `WasmResource` impl of the
/// resource linked as `[resource-drop]<resource>` in module `import_module`.
fn wasm_resource_impl(item: &Item, import_module: Option<&str>, resource: Option<&str>) -> Option<(syn::Ident, String)> {
    let Item::Impl(imp) = item else { return None };
    let (_, path, _) = imp.trait_.as_ref()?;
    if path.segments.last()?.ident != "WasmResource" {
        return None;
    }
    let syn::Type::Path(ty) = &*imp.self_ty else { return None };
    let ident = ty.path.get_ident()?.clone();
    let text = squash(imp.to_token_stream());
    let module = string_after(&text, "wasm_import_module=\"")?;
    if import_module.is_some_and(|m| m != module) {
        return None;
    }
    let drop_name = string_after(&text, "link_name=\"")?;
    if resource.is_some_and(|r| drop_name != format!("[resource-drop]{r}")) {
        return None;
    }
    Some((ident, module))
}

/// Tokens printed without whitespace: printing differs between the compiler's
/// token streams (inside the proc macro) and proc-macro2's own (in the CLI).
fn squash(tokens: TokenStream) -> String {
    tokens.to_string().chars().filter(|c| !c.is_whitespace()).collect()
}

fn string_after(text: &str, prefix: &str) -> Option<String> {
    let start = text.find(prefix)? + prefix.len();
    let end = text[start..].find('"')?;
    Some(text[start..start + end].to_string())
}

fn find_export_module<'a>(items: &'a mut [Item], optin: &OptIn) -> Result<Option<&'a mut Vec<Item>>> {
    let module = format!("[export]{}", optin.interface);
    for item in items.iter_mut() {
        if let Item::Mod(ItemMod { content: Some((_, inner)), .. }) = item {
            let has = inner.iter().any(|i| wasm_resource_impl(i, Some(&module), Some(&optin.resource)).is_some());
            if has {
                return Ok(Some(inner));
            }
            if let Some(found) = find_export_module(inner, optin)? {
                return Ok(Some(found));
            }
        }
    }
    Ok(None)
}

fn rewrite_resource(items: &mut [Item], optin: &OptIn) -> Result<()> {
    let module = format!("[export]{}", optin.interface);
    let (r, _) = items
        .iter()
        .find_map(|i| wasm_resource_impl(i, Some(&module), Some(&optin.resource)))
        .expect("found by find_export_module");
    let g = format_ident!("Guest{r}");
    let b = format_ident!("{r}Borrow");
    let what = format!("resource `{}` of `{}`", optin.resource, optin.interface);

    // impl R { .. }
    let owned = inherent_impl(items, &r, "dtor").ok_or_else(|| shape(format!("{what}: no `impl {r}`")))?;
    let replacements = owned_methods(&g);
    for (name, expected_sig, new) in replacements {
        replace_method(owned, name, &expected_sig, new).map_err(|e| shape(format!("{what}: `impl {r}`: {e}")))?;
    }
    owned.items.push(parse_quote! {
        #[doc(hidden)]
        fn opaque_taken_() -> &'static ::wit_bindgen_opaque::rt::TakenRep {
            static TAKEN: ::wit_bindgen_opaque::rt::TakenRep = ::wit_bindgen_opaque::rt::TakenRep::new();
            &TAKEN
        }
    });

    // struct RBorrow { rep, _marker }
    let borrow_struct = items
        .iter_mut()
        .find_map(|i| match i {
            Item::Struct(s) if s.ident == b => Some(s),
            _ => None,
        })
        .ok_or_else(|| shape(format!("{what}: no `struct {b}`")))?;
    let rep_field = borrow_struct
        .fields
        .iter_mut()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == "rep"))
        .ok_or_else(|| shape(format!("{what}: `struct {b}` has no `rep` field")))?;
    expect_tokens(&rep_field.ty, quote!(*const u8)).map_err(|e| shape(format!("{what}: `{b}::rep`: {e}")))?;
    rep_field.ty = parse_quote!(::wit_bindgen_opaque::rt::BorrowedRep);

    // impl<'a> RBorrow<'a> { .. }
    let borrow = inherent_impl(items, &b, "lift").ok_or_else(|| shape(format!("{what}: no `impl {b}`")))?;
    for (name, expected_sig, new) in borrow_methods(&r, &g) {
        replace_method(borrow, name, &expected_sig, new).map_err(|e| shape(format!("{what}: `impl {b}`: {e}")))?;
    }
    let before = borrow.items.len();
    borrow.items.retain(|i| !matches!(i, ImplItem::Fn(f) if f.sig.ident == "as_ptr"));
    if borrow.items.len() + 1 != before {
        return Err(shape(format!("{what}: `impl {b}` has no `as_ptr`")));
    }

    // trait GuestR: wit_bindgen::rt::Resource
    let tr = items
        .iter_mut()
        .find_map(|i| match i {
            Item::Trait(t) if t.ident == g => Some(t),
            _ => None,
        })
        .ok_or_else(|| shape(format!("{what}: no `trait {g}`")))?;
    let supers = squash(tr.supertraits.to_token_stream());
    if !supers.ends_with("rt::Resource") || tr.items.iter().all(|i| !matches!(i, TraitItem::Fn(f) if f.sig.ident == "_resource_rep")) {
        return Err(shape(format!("{what}: `trait {g}` is not `{g}: <rt>::Resource` with `_resource_rep`")));
    }
    tr.supertraits.push(parse_quote!(::wit_bindgen_opaque::OpaqueRep));
    Ok(())
}

/// The inherent `impl <name>` block that defines `fn <marker>`.
fn inherent_impl<'a>(items: &'a mut [Item], name: &syn::Ident, marker: &str) -> Option<&'a mut ItemImpl> {
    items.iter_mut().find_map(|i| match i {
        Item::Impl(imp)
            if imp.trait_.is_none()
                && self_ident(imp).is_some_and(|s| s == *name)
                && imp.items.iter().any(|m| matches!(m, ImplItem::Fn(f) if f.sig.ident == marker)) =>
        {
            Some(imp)
        }
        _ => None,
    })
}

fn self_ident(imp: &ItemImpl) -> Option<syn::Ident> {
    let syn::Type::Path(ty) = &*imp.self_ty else { return None };
    Some(ty.path.segments.last()?.ident.clone())
}

fn expect_tokens(actual: &impl ToTokens, expected: TokenStream) -> std::result::Result<(), String> {
    let a = squash(actual.to_token_stream());
    let e = squash(expected);
    if a == e { Ok(()) } else { Err(format!("expected `{e}`, found `{a}`")) }
}

fn replace_method(imp: &mut ItemImpl, name: &str, expected_sig: &TokenStream, new: ImplItem) -> std::result::Result<(), String> {
    let slot = imp
        .items
        .iter_mut()
        .find(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == name))
        .ok_or_else(|| format!("no `fn {name}`"))?;
    let ImplItem::Fn(f) = slot else { unreachable!() };
    expect_tokens(&f.sig, expected_sig.clone()).map_err(|e| format!("`fn {name}`: {e}"))?;
    *slot = new;
    Ok(())
}

/// `(name, stock signature without `pub`, replacement)` for the owned
/// wrapper.
fn owned_methods(g: &syn::Ident) -> Vec<(&'static str, TokenStream, ImplItem)> {
    let op = quote!(::wit_bindgen_opaque::OpaqueRep);
    let rt = quote!(::wit_bindgen_opaque::rt);
    vec![
        (
            "new",
            quote!(fn new<T: #g>(val: T) -> Self),
            parse_quote! {
                /// Creates a new resource whose rep is `val`'s rep (its inner
                /// handle): nothing is allocated.
                pub fn new<T: #g>(val: T) -> Self {
                    Self::type_guard::<T>();
                    let rep = <T as #op>::into_rep(val);
                    unsafe { Self::from_handle(T::_resource_new(::core::ptr::without_provenance_mut(rep as usize))) }
                }
            },
        ),
        (
            "get",
            quote!(fn get<T: #g>(&self) -> &T),
            parse_quote! {
                /// Read access to the underlying `T`, rebuilt from the rep
                /// without taking it (dropping the guard drops nothing).
                pub fn get<T: #g>(&self) -> #rt::RepGuard<'_, T> {
                    Self::type_guard::<T>();
                    let rep = T::_resource_rep(self.handle()).addr() as u32;
                    unsafe { #rt::RepGuard::new(rep) }
                }
            },
        ),
        (
            "get_mut",
            quote!(fn get_mut<T: #g>(&mut self) -> &mut T),
            parse_quote! {
                /// Not available for an opaque-rep resource: calling it is a
                /// compile error that says why.
                pub fn get_mut<T: #g + #rt::GetMutUnsupported<T>>(&mut self) -> &mut T {
                    unreachable!("`GetMutUnsupported` has no implementations")
                }
            },
        ),
        (
            "into_inner",
            quote!(fn into_inner<T: #g>(self) -> T),
            parse_quote! {
                /// Consumes this resource and returns the underlying `T`,
                /// which now owns the inner handle.
                pub fn into_inner<T: #g>(self) -> T {
                    Self::type_guard::<T>();
                    let rep = T::_resource_rep(self.handle()).addr() as u32;
                    // Dropping the handle runs `dtor`, which must not drop
                    // the value now handed to the caller.
                    Self::opaque_taken_().mark(rep);
                    drop(self);
                    Self::opaque_taken_().take_if(rep);
                    unsafe { <T as #op>::from_rep(rep) }
                }
            },
        ),
        (
            "dtor",
            quote!(unsafe fn dtor<T: #g>(handle: *mut u8)),
            parse_quote! {
                #[doc(hidden)]
                pub unsafe fn dtor<T: #g>(handle: *mut u8) {
                    Self::type_guard::<T>();
                    let rep = handle.addr() as u32;
                    if Self::opaque_taken_().take_if(rep) {
                        return;
                    }
                    drop(unsafe { <T as #op>::from_rep(rep) });
                }
            },
        ),
    ]
}

/// `(name, stock signature, replacement)` for the borrow wrapper.
fn borrow_methods(r: &syn::Ident, g: &syn::Ident) -> Vec<(&'static str, TokenStream, ImplItem)> {
    let rt = quote!(::wit_bindgen_opaque::rt);
    vec![
        (
            "lift",
            quote!(unsafe fn lift(rep: *const u8) -> Self),
            parse_quote! {
                #[doc(hidden)]
                pub unsafe fn lift(rep: *const u8) -> Self {
                    Self { rep: #rt::BorrowedRep::new(rep.addr() as u32), _marker: core::marker::PhantomData }
                }
            },
        ),
        (
            "get",
            quote!(fn get<T: #g>(&self) -> &'a T),
            parse_quote! {
                /// Gets access to the underlying `T` in this resource, for as
                /// long as this borrow is held.
                pub fn get<T: #g>(&self) -> &T {
                    #r::type_guard::<T>();
                    unsafe { self.rep.get::<T>() }
                }
            },
        ),
    ]
}

/// Implements `OpaqueRep` for every imported resource type: each
/// `WasmResource` impl whose drop links to a module not starting with
/// `[export]`.
fn impl_imported(items: &mut Vec<Item>) {
    let mut new = Vec::new();
    for item in items.iter_mut() {
        if let Item::Mod(ItemMod { content: Some((_, inner)), .. }) = item {
            impl_imported(inner);
        } else if let Some((ident, module)) = wasm_resource_impl(item, None, None)
            && !module.starts_with("[export]")
        {
            new.push(parse_quote! {
                // SAFETY: `#ident` is `repr(transparent)` over its `u32`
                // handle, which is its rep.
                unsafe impl ::wit_bindgen_opaque::OpaqueRep for #ident {
                    fn into_rep(self) -> u32 {
                        self.take_handle()
                    }
                    unsafe fn from_rep(rep: u32) -> Self {
                        unsafe { Self::from_handle(rep) }
                    }
                }
            });
        }
    }
    items.extend(new);
}
