//! Deciding the layout: which defined tables are merged, where each region
//! starts, which globals describe it, and whether the input can be merged
//! at all (each refusal names the construct).

use anyhow::{Result, bail};
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};

use super::layout::{
    Helpers, Layout, NewGlobal, PHYSICAL_MAX, Physical, Region, TABLE32_MAX, Target,
};
use super::scan::{InputTable, Module, Segment, const_ops};

/// The defined tables of one element type, by input index.
struct Group {
    ty: wasmparser::RefType,
    members: Vec<u32>,
}

/// The layout for `m`, or `None` when no element type has more than one
/// defined table (nothing to merge).
pub fn plan<'a>(m: &Module<'a>) -> Result<Option<Layout<'a>>> {
    let imported = m.imported_tables();
    let mut groups: Vec<Group> = Vec::new();
    for (i, t) in m.tables.iter().enumerate().skip(imported) {
        if t.imported {
            bail!("table {i} is imported after defined tables");
        }
        let ty = t.ty.element_type;
        match groups.iter_mut().find(|g| g.ty == ty) {
            Some(g) => g.members.push(i as u32),
            None => groups.push(Group {
                ty,
                members: vec![i as u32],
            }),
        }
    }
    if groups.iter().all(|g| g.members.len() <= 1) {
        return Ok(None);
    }
    for g in groups.iter().filter(|g| g.members.len() > 1) {
        check_group(m, g)?;
    }
    let mut layout = Layout {
        targets: (0..imported as u32).map(Target::Plain).collect(),
        physical: Vec::new(),
        globals: Vec::new(),
        first_global: m.globals,
        helpers: Helpers::default(),
    };
    let mut group_of = vec![usize::MAX; m.tables.len()];
    for (gi, g) in groups.iter().enumerate() {
        for &t in &g.members {
            group_of[t as usize] = gi;
        }
    }
    let mut regions: Vec<Option<Region>> = vec![None; m.tables.len()];
    for t in imported..m.tables.len() {
        let g = &groups[group_of[t]];
        let output = (imported + layout.physical.len()) as u32;
        if g.members.len() == 1 {
            layout.targets.push(Target::Plain(output));
            layout.physical.push(Physical::Plain);
        } else if g.members[0] == t as u32 {
            let physical = merge_group(m, g, output, &mut layout, &mut regions)?;
            layout.physical.push(physical);
        }
        if let Some(r) = regions[t].take() {
            layout.targets.push(Target::Region(r));
        } else if g.members.len() > 1 {
            bail!("internal: table {t} was not placed");
        }
    }
    check_segments(m, &layout)?;
    Ok(Some(layout))
}

/// Refuses a group of tables that cannot be merged.
fn check_group(m: &Module<'_>, g: &Group) -> Result<()> {
    let ty = ref_type_name(g.ty);
    let first = &m.tables[g.members[0] as usize];
    for &t in &g.members {
        let table = &m.tables[t as usize];
        if table.ty.table64 {
            bail!(
                "table {t} is a 64-bit table (table64): merging it with the other {ty} tables \
                 is not supported"
            );
        }
        if table.ty.shared {
            bail!("table {t} is shared: merging shared tables is not supported");
        }
        if !same_init(first, table)? {
            bail!(
                "tables {} and {t} ({ty}) have different initial values: merging tables \
                 with different initialisers is not supported",
                g.members[0]
            );
        }
    }
    for (name, t) in &m.table_exports {
        if g.members.contains(t) {
            bail!(
                "table {t} is exported as `{name}`: an exported table cannot be merged with \
                 the other {ty} tables (the host would see all their elements)"
            );
        }
    }
    Ok(())
}

/// Whether two tables start out with the same elements' value.
fn same_init(a: &InputTable<'_>, b: &InputTable<'_>) -> Result<bool> {
    Ok(match (&a.init, &b.init) {
        (None, None) => true,
        (Some(x), Some(y)) => const_ops(x)? == const_ops(y)?,
        _ => false,
    })
}

/// Places the regions of group `g` in physical table `output`, adding
/// their globals to `layout` and their regions to `regions`.
fn merge_group<'a>(
    m: &Module<'a>,
    g: &Group,
    output: u32,
    layout: &mut Layout<'a>,
    regions: &mut [Option<Region>],
) -> Result<Physical<'a>> {
    let mut base: u64 = 0;
    let mut maximum: u64 = 0;
    let mut placed: Vec<Region> = Vec::new();
    for (k, &t) in g.members.iter().enumerate() {
        let ty = m.tables[t as usize].ty;
        let max = ty.maximum.unwrap_or(TABLE32_MAX).min(TABLE32_MAX);
        let mut global = |what: &str, initial: u64| {
            let index = layout.first_global + layout.globals.len() as u32;
            layout.globals.push(NewGlobal {
                initial: initial as u32,
                name: format!("table {t} {what}"),
            });
            index
        };
        let base_global = (k > 0).then(|| global("base", base));
        let size_global = global("size", ty.initial);
        placed.push(Region {
            table: output,
            ty: g.ty,
            base: base as u32,
            initial: ty.initial as u32,
            maximum: max as u32,
            base_global,
            size_global,
            later: Vec::new(),
        });
        base += ty.initial;
        maximum = maximum.saturating_add(max);
        if base > PHYSICAL_MAX {
            bail!(
                "the {} tables {:?} hold {base} elements together, more than one table can",
                ref_type_name(g.ty),
                g.members
            );
        }
    }
    let bases: Vec<Option<u32>> = placed.iter().map(|r| r.base_global).collect();
    for (k, r) in placed.iter_mut().enumerate() {
        r.later = bases[k + 1..].iter().flatten().copied().collect();
    }
    for (r, &t) in placed.into_iter().zip(&g.members) {
        regions[t as usize] = Some(r);
    }
    let element_type = RoundtripReencoder
        .ref_type(g.ty)
        .map_err(|e| anyhow::anyhow!("element type of table {}: {e}", g.members[0]))?;
    Ok(Physical::Merged {
        ty: wasm_encoder::TableType {
            element_type,
            table64: false,
            minimum: base,
            maximum: Some(maximum.min(PHYSICAL_MAX)),
            shared: false,
        },
        init: m.tables[g.members[0] as usize].init.clone(),
    })
}

/// Refuses active element segments into a region whose offset is not a
/// constant.
fn check_segments(m: &Module<'_>, layout: &Layout<'_>) -> Result<()> {
    for (i, s) in m.segments.iter().enumerate() {
        if let Segment::Active {
            table,
            offset: None,
            ..
        } = s
            && layout.is_region(*table)?
        {
            bail!(
                "active element segment {i} into table {table} has an offset that is not an \
                 `i32.const`: merging its table is not supported"
            );
        }
    }
    Ok(())
}

/// A reference type in text-format spelling, for messages.
pub fn ref_type_name(ty: wasmparser::RefType) -> String {
    format!("{ty}")
}
