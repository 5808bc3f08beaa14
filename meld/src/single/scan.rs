//! One read of the input: its memories, the sizes of the index spaces the
//! pass appends to, the globals it may reuse as bases, and which helpers
//! its code needs.

use super::regions::Helper;
use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use wasmparser::{ExternalKind, GlobalType, MemoryType, Operator, Parser, Payload, TypeRef};

/// What the pass needs to know about the input before rewriting it.
#[derive(Debug, Clone, Default)]
pub struct Input {
    /// The defined memories, in index order.
    pub memories: Vec<MemoryType>,
    /// Imported memories, as `module/name`.
    pub imported_memories: Vec<String>,
    /// Types defined (the type index space's size).
    pub types: u32,
    /// Per type index: its parameter count, for function types.
    pub type_params: Vec<Option<u32>>,
    /// Per function index (imports first): its type index.
    pub func_types: Vec<u32>,
    /// Imported functions.
    pub imported_funcs: u32,
    /// Imported globals.
    pub imported_globals: u32,
    /// Defined globals: type, and the initialiser when it is `i32.const c`.
    pub globals: Vec<(GlobalType, Option<i32>)>,
    /// Exports other than memories, by name.
    pub other_exports: BTreeSet<String>,
    /// The helpers the code would need if every memory were a region.
    pub helpers: BTreeSet<Helper>,
    /// Whether a `.debug_*` custom section is present.
    pub dwarf: bool,
}

/// Reads `module` (assumed valid).
pub fn scan(module: &[u8]) -> Result<Input> {
    let mut input = Input::default();
    for payload in Parser::new(0).parse_all(module) {
        match payload? {
            Payload::Version { encoding, .. } if encoding != wasmparser::Encoding::Module => {
                bail!("--memory single: the input is a component, not a core module");
            }
            Payload::TypeSection(reader) => {
                for group in reader {
                    for ty in group?.into_types() {
                        let params = match &ty.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(f) => {
                                Some(f.params().len() as u32)
                            }
                            _ => None,
                        };
                        input.type_params.push(params);
                    }
                }
                input.types = input.type_params.len() as u32;
            }
            Payload::ImportSection(reader) => imports(&mut input, reader)?,
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    input.func_types.push(ty?);
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    input.memories.push(memory?);
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global?;
                    input
                        .globals
                        .push((global.ty, i32_const(&global.init_expr)));
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    if export.kind != ExternalKind::Memory {
                        input.other_exports.insert(export.name.to_string());
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let mut ops = body.get_operators_reader()?;
                while !ops.eof() {
                    if let Some(helper) = helper(&ops.read()?) {
                        input.helpers.insert(helper);
                    }
                }
            }
            Payload::CustomSection(reader) if reader.name().starts_with(".debug_") => {
                input.dwarf = true;
            }
            _ => {}
        }
    }
    Ok(input)
}

fn imports(input: &mut Input, reader: wasmparser::ImportSectionReader<'_>) -> Result<()> {
    for import in reader.into_imports() {
        let import = import.context("--memory single: reading the imports")?;
        match import.ty {
            TypeRef::Func(ty) | TypeRef::FuncExact(ty) => {
                input.func_types.push(ty);
                input.imported_funcs += 1;
            }
            TypeRef::Global(_) => input.imported_globals += 1,
            TypeRef::Memory(_) => input
                .imported_memories
                .push(format!("{}/{}", import.module, import.name)),
            TypeRef::Table(_) | TypeRef::Tag(_) => {}
        }
    }
    Ok(())
}

/// `c` if `expr` is exactly `i32.const c`.
fn i32_const(expr: &wasmparser::ConstExpr<'_>) -> Option<i32> {
    let mut ops = expr.get_operators_reader();
    let Ok(Operator::I32Const { value }) = ops.read() else {
        return None;
    };
    matches!(ops.read(), Ok(Operator::End) if ops.eof()).then_some(value)
}

/// The helper `op` needs, if it is a bulk or growth instruction.
pub fn helper(op: &Operator<'_>) -> Option<Helper> {
    Some(match *op {
        Operator::MemoryGrow { mem } => Helper::Grow(mem),
        Operator::MemoryFill { mem } => Helper::Fill(mem),
        Operator::MemoryCopy { dst_mem, src_mem } => Helper::Copy {
            dst: dst_mem,
            src: src_mem,
        },
        Operator::MemoryInit { data_index, mem } => Helper::Init {
            data: data_index,
            memory: mem,
        },
        _ => return None,
    })
}

/// The value of a data segment's offset: `i32.const`, or the extended
/// constant arithmetic over constants; `None` if it reads a global (only
/// imported globals can be read without GC).
pub fn offset_value(expr: &wasmparser::ConstExpr<'_>) -> Result<Option<i32>> {
    let mut stack: Vec<i32> = Vec::new();
    let mut ops = expr.get_operators_reader();
    while !ops.eof() {
        let op = ops.read()?;
        let binary = |stack: &mut Vec<i32>, f: fn(i32, i32) -> i32| {
            let (b, a) = (stack.pop(), stack.pop());
            match (a, b) {
                (Some(a), Some(b)) => {
                    stack.push(f(a, b));
                    Ok(())
                }
                _ => Err(anyhow::anyhow!("--memory single: malformed data offset")),
            }
        };
        match op {
            Operator::I32Const { value } => stack.push(value),
            Operator::I32Add => binary(&mut stack, i32::wrapping_add)?,
            Operator::I32Sub => binary(&mut stack, i32::wrapping_sub)?,
            Operator::I32Mul => binary(&mut stack, i32::wrapping_mul)?,
            Operator::End => {}
            Operator::GlobalGet { .. } => return Ok(None),
            other => bail!("--memory single: unsupported data offset instruction {other:?}"),
        }
    }
    match stack.as_slice() {
        [value] => Ok(Some(*value)),
        _ => bail!("--memory single: malformed data offset"),
    }
}
