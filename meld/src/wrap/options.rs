//! Canonical options of the wrapper's lifts and lowers: the string
//! encoding, and the memory, realloc and post-return aliased out of the
//! fused instance by their export names.

use crate::merge::CoreExports;
use crate::plan::{CanonOptions, StringEncoding};
use wasm_encoder::{CanonicalOption, ComponentBuilder, ExportKind};

/// The canonical options `opts`, aliasing what the canonical options name out of the fused instance.
pub fn options(
    b: &mut ComponentBuilder,
    instance: u32,
    exports: &CoreExports,
    opts: &CanonOptions,
) -> Vec<CanonicalOption> {
    let mut out = vec![match opts.string_encoding {
        StringEncoding::Utf8 => CanonicalOption::UTF8,
        StringEncoding::Utf16 => CanonicalOption::UTF16,
        StringEncoding::CompactUtf16 => CanonicalOption::CompactUTF16,
    }];
    if let Some(m) = opts.memory {
        out.push(CanonicalOption::Memory(b.core_alias_export(
            None,
            instance,
            &exports.memories[m],
            ExportKind::Memory,
        )));
    }
    if let Some(r) = opts.realloc {
        out.push(CanonicalOption::Realloc(b.core_alias_export(
            None,
            instance,
            &exports.reallocs[r],
            ExportKind::Func,
        )));
    }
    if let Some(p) = opts.post_return {
        let f = b.core_alias_export(None, instance, &exports.post_returns[p], ExportKind::Func);
        out.push(CanonicalOption::PostReturn(f));
    }
    out
}
