//! Deciding the layout: each memory's region, the globals describing it
//! (reused or appended), the helpers and their indices.

use super::regions::{
    Helper, Layout, MEMORY32_MAX_PAGES, NewGlobal, PAGE_BYTES, PHYSICAL_MAX_PAGES, Region,
};
use super::scan::Input;
use anyhow::{Result, bail};
use std::collections::BTreeMap;
use wasmparser::ValType;

/// The layout for `input` (which has at least one memory): regions back to
/// back in index order. `budget_pages`, `base_globals`, `export_name` as in
/// the pass's options.
pub fn layout(
    input: &Input,
    budget_pages: Option<u64>,
    base_globals: &[u32],
    export_name: &str,
) -> Result<Layout> {
    check_memories(input)?;
    if input.other_exports.contains(export_name) {
        bail!("--memory single: the memory's export name `{export_name}` is already exported");
    }
    let checked = input.memories.len() > 1;
    let cap = if checked {
        PHYSICAL_MAX_PAGES
    } else {
        MEMORY32_MAX_PAGES
    };
    let first_new_global = input.imported_globals + input.globals.len() as u32;
    let mut new_globals = Vec::new();
    let mut regions = Vec::new();
    let mut base = 0u64;
    for (i, memory) in input.memories.iter().enumerate() {
        let maximum = memory
            .maximum
            .or(budget_pages)
            .unwrap_or(cap)
            .clamp(memory.initial, cap);
        let mut append = |wide, init, what: &str| {
            new_globals.push(NewGlobal {
                wide,
                init,
                name: format!("meld:region{i}.{what}"),
            });
            first_new_global + new_globals.len() as u32 - 1
        };
        let base_global = match base_globals.get(i) {
            Some(g) => *g,
            None => append(false, base as i64, "base"),
        };
        let pages_global = append(false, memory.initial as i64, "pages");
        let bytes_global = if checked {
            append(true, (memory.initial * PAGE_BYTES) as i64, "bytes")
        } else {
            u32::MAX
        };
        regions.push(Region {
            initial: memory.initial,
            maximum,
            base,
            base_global,
            pages_global,
            bytes_global,
        });
        base += memory.initial * PAGE_BYTES;
    }
    let physical_initial = base / PAGE_BYTES;
    if physical_initial > cap {
        bail!(
            "--memory single: the memories' initial sizes add up to {physical_initial} pages, \
             more than the {cap} one memory can hold"
        );
    }
    let rebased_globals = rebased(input, base_globals, &regions)?;
    let physical_maximum = match checked {
        true => Some(PHYSICAL_MAX_PAGES),
        false => input.memories[0]
            .maximum
            .or(budget_pages)
            .map(|_| regions[0].maximum),
    };
    let helpers = helpers(input, checked);
    Ok(Layout {
        regions,
        checked,
        physical_initial,
        physical_maximum,
        helpers,
        grow_type: input.types,
        bulk_type: input.types + 1,
        first_new_global,
        new_globals,
        rebased_globals,
        export_name: export_name.to_string(),
    })
}

/// Rejects what the pass cannot lower.
fn check_memories(input: &Input) -> Result<()> {
    if let Some(name) = input.imported_memories.first() {
        bail!("--memory single: memory {name} is imported: not supported");
    }
    for (i, memory) in input.memories.iter().enumerate() {
        if memory.shared {
            bail!("--memory single: memory {i} is shared (threads): not supported");
        }
        if memory.memory64 {
            bail!("--memory single: memory {i} is 64-bit (memory64): not supported");
        }
        if memory.page_size_log2.is_some_and(|log2| log2 != 16) {
            bail!("--memory single: memory {i} has a custom page size: not supported");
        }
    }
    Ok(())
}

/// The given base globals with the initial values they get; checks each is
/// a defined mutable i32 global initialised to `i32.const 0`, used once.
fn rebased(input: &Input, base_globals: &[u32], regions: &[Region]) -> Result<BTreeMap<u32, i32>> {
    let mut out = BTreeMap::new();
    if base_globals.is_empty() {
        return Ok(out);
    }
    if base_globals.len() != regions.len() {
        bail!(
            "--memory single: {} base globals given for {} memories",
            base_globals.len(),
            regions.len()
        );
    }
    for (i, (&g, region)) in base_globals.iter().zip(regions).enumerate() {
        let defined = g.checked_sub(input.imported_globals);
        let global = defined.and_then(|d| input.globals.get(d as usize));
        let Some((ty, init)) = global else {
            bail!("--memory single: base global {g} of memory {i} is not a defined global");
        };
        if ty.content_type != ValType::I32 || !ty.mutable || ty.shared || *init != Some(0) {
            bail!(
                "--memory single: base global {g} of memory {i} is not a mutable i32 \
                 initialised to `i32.const 0`"
            );
        }
        if out.insert(g, region.base as i32).is_some() {
            bail!("--memory single: base global {g} is given for two memories");
        }
    }
    Ok(out)
}

/// The helpers the code needs with their function indices: every growth
/// and bulk instruction when checked, else only growth.
fn helpers(input: &Input, checked: bool) -> BTreeMap<Helper, u32> {
    let first = input.func_types.len() as u32;
    input
        .helpers
        .iter()
        .filter(|h| checked || matches!(h, Helper::Grow(_)))
        .enumerate()
        .map(|(k, h)| (*h, first + k as u32))
        .collect()
}
