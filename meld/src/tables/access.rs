//! The rewriting of each table instruction of a function body that names
//! a region: what it becomes, and what that needs (a scratch local, a
//! helper function).
//!
//! An index into a region becomes `base + index` when `index < size`, and
//! [`OUT_OF_BOUNDS`] otherwise, with `select` (no new blocks, so branch
//! depths are unchanged): the physical instruction then traps exactly as
//! the original would have.

use anyhow::{Result, bail};
use wasm_encoder::Instruction;
use wasmparser::Operator;

use super::layout::{Helper, Helpers, Layout, OUT_OF_BOUNDS, Region};

/// What one instruction becomes.
enum Shape<'l> {
    /// Copied, with its table indices remapped.
    Plain,
    /// The index on top of the stack is rebased into `region`, then `then`
    /// runs on the physical table.
    Index {
        region: &'l Region,
        then: Instruction<'static>,
    },
    /// A call of a helper.
    Call(Helper),
    /// A read of a region's size global.
    Size(u32),
}

/// What rewriting the instructions of one body needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    /// One scratch i32 local.
    pub scratch: bool,
    /// These helpers.
    pub helpers: Vec<Helper>,
}

/// What rewriting `ops` (one function body) needs.
pub fn needs<'a>(
    ops: impl IntoIterator<Item = wasmparser::Result<Operator<'a>>>,
    layout: &Layout<'_>,
) -> Result<Needs> {
    let mut out = Needs::default();
    for op in ops {
        match shape(&op?, layout)? {
            Shape::Plain | Shape::Size(_) => {}
            Shape::Index { .. } => out.scratch = true,
            Shape::Call(h) => out.helpers.push(h),
        }
    }
    Ok(out)
}

/// The instructions `op` becomes, or `None` when it is copied (with its
/// table indices remapped). `scratch`: the body's scratch i32 local.
pub fn rewrite(
    op: &Operator<'_>,
    layout: &Layout<'_>,
    helpers: &Helpers,
    scratch: Option<u32>,
) -> Result<Option<Vec<Instruction<'static>>>> {
    Ok(match shape(op, layout)? {
        Shape::Plain => None,
        Shape::Size(global) => Some(vec![Instruction::GlobalGet(global)]),
        Shape::Call(h) => Some(vec![Instruction::Call(helpers.function(h)?)]),
        Shape::Index { region, then } => {
            let Some(local) = scratch else {
                bail!("internal: no scratch local for a table access");
            };
            let mut out = vec![Instruction::LocalTee(local)];
            if let Some(base) = region.base_global {
                out.extend([Instruction::GlobalGet(base), Instruction::I32Add]);
            }
            out.extend([
                Instruction::I32Const(OUT_OF_BOUNDS),
                Instruction::LocalGet(local),
                Instruction::GlobalGet(region.size_global),
                Instruction::I32LtU,
                Instruction::Select,
                then,
            ]);
            Some(out)
        }
    })
}

fn shape<'l>(op: &Operator<'_>, layout: &'l Layout<'_>) -> Result<Shape<'l>> {
    let index = |region: &'l Region, then| Shape::Index { region, then };
    Ok(match *op {
        Operator::CallIndirect {
            type_index,
            table_index,
        } => match layout.region(table_index)? {
            Some(r) => index(
                r,
                Instruction::CallIndirect {
                    type_index,
                    table_index: r.table,
                },
            ),
            None => Shape::Plain,
        },
        Operator::ReturnCallIndirect {
            type_index,
            table_index,
        } => match layout.region(table_index)? {
            Some(r) => index(
                r,
                Instruction::ReturnCallIndirect {
                    type_index,
                    table_index: r.table,
                },
            ),
            None => Shape::Plain,
        },
        Operator::TableGet { table } => match layout.region(table)? {
            Some(r) => index(r, Instruction::TableGet(r.table)),
            None => Shape::Plain,
        },
        Operator::TableSize { table } => match layout.region(table)? {
            Some(r) => Shape::Size(r.size_global),
            None => Shape::Plain,
        },
        Operator::TableSet { table } => call_if(layout, table, Helper::Set(table))?,
        Operator::TableGrow { table } => call_if(layout, table, Helper::Grow(table))?,
        Operator::TableFill { table } => call_if(layout, table, Helper::Fill(table))?,
        Operator::TableInit { elem_index, table } => call_if(
            layout,
            table,
            Helper::Init {
                table,
                elem: elem_index,
            },
        )?,
        Operator::TableCopy {
            dst_table,
            src_table,
        } => {
            if layout.is_region(dst_table)? || layout.is_region(src_table)? {
                Shape::Call(Helper::Copy {
                    dst: dst_table,
                    src: src_table,
                })
            } else {
                Shape::Plain
            }
        }
        Operator::TableAtomicGet { .. }
        | Operator::TableAtomicSet { .. }
        | Operator::TableAtomicRmwXchg { .. }
        | Operator::TableAtomicRmwCmpxchg { .. } => {
            bail!("the atomic table instruction {op:?} is not supported by the table lowering")
        }
        _ => Shape::Plain,
    })
}

/// A call of `helper` when `table` is a region.
fn call_if<'l>(layout: &Layout<'_>, table: u32, helper: Helper) -> Result<Shape<'l>> {
    Ok(if layout.is_region(table)? {
        Shape::Call(helper)
    } else {
        Shape::Plain
    })
}
