//! The helper functions the rewritten code calls for the table
//! instructions that take several operands (`table.set`, `table.grow`,
//! `table.fill`, `table.copy`, `table.init` of a region): their types,
//! bodies and names.
//!
//! A bulk operation of length `n` at `x` is in its region when
//! `x <= size && n <= size - x`; out of it, the physical instruction is
//! given [`OUT_OF_BOUNDS`] as its index and traps before doing anything,
//! as the original would have (zero-length operations exactly at the end
//! stay in bounds).

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, anyhow};
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{Function, Instruction as I, ValType};

use super::layout::{Helper, Helpers, Layout, OUT_OF_BOUNDS, Region, Signature};

/// Numbers the helpers `wanted` (function indices from `first_function`,
/// new types from `first_type`, one per distinct signature).
pub fn assign(
    wanted: &BTreeSet<Helper>,
    layout: &Layout<'_>,
    first_function: u32,
    first_type: u32,
) -> Result<Helpers> {
    let mut out = Helpers::default();
    for (i, &h) in wanted.iter().enumerate() {
        out.functions.insert(h, first_function + i as u32);
        let sig = signature(h, layout)?;
        let ty = match out.types.iter().position(|s| *s == sig) {
            Some(p) => p,
            None => {
                out.types.push(sig);
                out.types.len() - 1
            }
        };
        out.type_of.insert(h, first_type + ty as u32);
    }
    Ok(out)
}

/// The type of `helper`.
fn signature(helper: Helper, layout: &Layout<'_>) -> Result<Signature> {
    let reference = |table: u32| -> Result<ValType> {
        let ty = region(layout, table)?.ty;
        let ty = RoundtripReencoder
            .ref_type(ty)
            .map_err(|e| anyhow!("element type of table {table}: {e}"))?;
        Ok(ValType::Ref(ty))
    };
    Ok(match helper {
        Helper::Set(t) => (vec![ValType::I32, reference(t)?], vec![]),
        Helper::Grow(t) => (vec![reference(t)?, ValType::I32], vec![ValType::I32]),
        Helper::Fill(t) => (vec![ValType::I32, reference(t)?, ValType::I32], vec![]),
        Helper::Copy { .. } | Helper::Init { .. } => (vec![ValType::I32; 3], vec![]),
    })
}

/// The name of `helper` in the name section.
pub fn name(helper: Helper) -> String {
    match helper {
        Helper::Set(t) => format!("table.set {t}"),
        Helper::Grow(t) => format!("table.grow {t}"),
        Helper::Fill(t) => format!("table.fill {t}"),
        Helper::Copy { dst, src } => format!("table.copy {dst} {src}"),
        Helper::Init { table, elem } => format!("table.init {table} {elem}"),
    }
}

/// The body of `helper`.
pub fn body(helper: Helper, layout: &Layout<'_>) -> Result<Function> {
    let mut code = Vec::new();
    let locals = match helper {
        Helper::Set(t) => {
            let r = region(layout, t)?;
            index(&mut code, 0, r);
            code.extend([I::LocalGet(1), I::TableSet(r.table)]);
            vec![]
        }
        Helper::Fill(t) => {
            let r = region(layout, t)?;
            bulk(&mut code, 0, 2, r);
            code.extend([I::LocalGet(1), I::LocalGet(2), I::TableFill(r.table)]);
            vec![]
        }
        Helper::Init { table, elem } => {
            let r = region(layout, table)?;
            bulk(&mut code, 0, 2, r);
            code.extend([I::LocalGet(1), I::LocalGet(2)]);
            code.push(I::TableInit {
                elem_index: elem,
                table: r.table,
            });
            vec![]
        }
        Helper::Copy { dst, src } => {
            let mut side = |table: u32, local: u32| -> Result<u32> {
                Ok(match layout.region(table)? {
                    Some(r) => {
                        bulk(&mut code, local, 2, r);
                        r.table
                    }
                    None => {
                        code.push(I::LocalGet(local));
                        layout.target(table)?.table()
                    }
                })
            };
            let dst_table = side(dst, 0)?;
            let src_table = side(src, 1)?;
            code.extend([
                I::LocalGet(2),
                I::TableCopy {
                    src_table,
                    dst_table,
                },
            ]);
            vec![]
        }
        Helper::Grow(t) => {
            grow(&mut code, region(layout, t)?);
            vec![(2, ValType::I32)]
        }
    };
    let mut f = Function::new(locals);
    for i in &code {
        f.instruction(i);
    }
    f.instruction(&I::End);
    Ok(f)
}

fn region<'l>(layout: &'l Layout<'_>, table: u32) -> Result<&'l Region> {
    layout
        .region(table)?
        .ok_or_else(|| anyhow!("internal: table {table} is not a region"))
}

/// Pushes the physical index of element `local` of `r`, or
/// [`OUT_OF_BOUNDS`] when it is not in `r`.
fn index(code: &mut Vec<I<'static>>, local: u32, r: &Region) {
    code.push(I::LocalGet(local));
    if let Some(base) = r.base_global {
        code.extend([I::GlobalGet(base), I::I32Add]);
    }
    code.extend([
        I::I32Const(OUT_OF_BOUNDS),
        I::LocalGet(local),
        I::GlobalGet(r.size_global),
        I::I32LtU,
        I::Select,
    ]);
}

/// Pushes the physical index of the `len`-element run at `local` of `r`,
/// or [`OUT_OF_BOUNDS`] when the run is not inside `r`.
fn bulk(code: &mut Vec<I<'static>>, local: u32, len: u32, r: &Region) {
    code.push(I::LocalGet(local));
    if let Some(base) = r.base_global {
        code.extend([I::GlobalGet(base), I::I32Add]);
    }
    code.extend([
        I::I32Const(OUT_OF_BOUNDS),
        // local <= size
        I::LocalGet(local),
        I::GlobalGet(r.size_global),
        I::I32LeU,
        // len <= size - local (wraps only when the first test fails)
        I::LocalGet(len),
        I::GlobalGet(r.size_global),
        I::LocalGet(local),
        I::I32Sub,
        I::I32LeU,
        I::I32And,
        I::Select,
    ]);
}

/// The body of `table.grow` of `r`: params `(value, delta)`, locals
/// `old` (2) and `end` (3).
///
/// Grows the physical table by `delta` (filled with `value`), moves the
/// regions after `r` up by `delta`, fills the `delta` slots now after
/// `r`'s old end with `value`, and updates the globals.
fn grow(code: &mut Vec<I<'static>>, r: &Region) {
    let (value, delta, old, end) = (0, 1, 2, 3);
    let fail = [I::If(wasm_encoder::BlockType::Empty), I::I32Const(-1)];
    code.extend([I::GlobalGet(r.size_global), I::LocalSet(old)]);
    // Past the region's maximum (`maximum >= old` always holds).
    code.extend([
        I::LocalGet(delta),
        I::I32Const(r.maximum as i32),
        I::LocalGet(old),
        I::I32Sub,
        I::I32GtU,
    ]);
    code.extend(fail.clone());
    code.extend([I::Return, I::End]);
    // Past what the physical table can hold.
    code.extend([
        I::LocalGet(value),
        I::LocalGet(delta),
        I::TableGrow(r.table),
        I::I32Const(-1),
        I::I32Eq,
    ]);
    code.extend(fail);
    code.extend([I::Return, I::End]);
    if !r.later.is_empty() {
        match r.base_global {
            Some(base) => code.push(I::GlobalGet(base)),
            None => code.push(I::I32Const(0)),
        }
        code.extend([I::LocalGet(old), I::I32Add, I::LocalSet(end)]);
        // table.copy (end + delta) end (old physical size - end)
        code.extend([I::LocalGet(end), I::LocalGet(delta), I::I32Add]);
        code.extend([I::LocalGet(end), I::TableSize(r.table), I::LocalGet(delta)]);
        code.extend([I::I32Sub, I::LocalGet(end), I::I32Sub]);
        code.push(I::TableCopy {
            src_table: r.table,
            dst_table: r.table,
        });
        code.extend([I::LocalGet(end), I::LocalGet(value), I::LocalGet(delta)]);
        code.push(I::TableFill(r.table));
        for &base in &r.later {
            code.extend([I::GlobalGet(base), I::LocalGet(delta), I::I32Add]);
            code.push(I::GlobalSet(base));
        }
    }
    code.extend([I::GlobalGet(r.size_global), I::LocalGet(delta), I::I32Add]);
    code.extend([I::GlobalSet(r.size_global), I::LocalGet(old)]);
}

/// The names of the helpers, by function index.
pub fn names(helpers: &Helpers) -> BTreeMap<u32, String> {
    (helpers.functions.iter())
        .map(|(&h, &f)| (f, name(h)))
        .collect()
}
