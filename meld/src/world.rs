//! The `component-type` custom section of the `--memory single` core
//! output: the input's world (its imports and exports, decoded from the
//! input by wit-component) and the string encoding of its boundary, as
//! wit-component reads them from a core module. With it (and the core
//! output's names: `<interface>#<func>` exports, `cabi_post_*`,
//! `cabi_realloc`, `cabi_import_realloc`, `memory`, imports by interface
//! and function), `wasm-tools component new` turns the fused module back
//! into a component like the input.
//!
//! Not emitted when the boundary's lifts and lowers use more than one
//! string encoding (wit-component's metadata has one for the module), or
//! when the input's imports and exports have no WIT world (wit-component
//! cannot decode it: an imported instance re-exported under another name):
//! the module is the same, only not re-wrappable by wit-component.

use crate::plan::{Plan, StringEncoding};
use anyhow::{Context, Result};

/// Appends the `component-type` section describing `input`'s world to
/// `module`, unless the boundary mixes string encodings or the input has
/// no WIT world.
pub fn embed(module: &mut Vec<u8>, input: &[u8], plan: &Plan) -> Result<()> {
    let mut encodings = (plan.exports.iter().map(|e| &e.options))
        .chain(plan.host_imports.iter().map(|h| &h.options))
        .map(|o| o.string_encoding);
    let encoding = match encodings.next() {
        Some(first) if encodings.any(|e| e != first) => return Ok(()),
        Some(first) => first,
        None => StringEncoding::Utf8,
    };
    let encoding = match encoding {
        StringEncoding::Utf8 => wit_component::StringEncoding::UTF8,
        StringEncoding::Utf16 => wit_component::StringEncoding::UTF16,
        StringEncoding::CompactUtf16 => wit_component::StringEncoding::CompactUTF16,
    };
    let Ok(wit_component::DecodedWasm::Component(resolve, world)) = wit_component::decode(input)
    else {
        return Ok(());
    };
    wit_component::embed_component_metadata(module, &resolve, world, encoding)
        .context("encoding the input's world")
}
