//! Copying one core instance into the fused module: its definitions through
//! the instance's [`Remap`], its active segments and start function as
//! work for the fused start function, and the custom sections meld carries
//! (names, producers, DWARF with the code map [`addrs`] records).

use super::layout::Layout;
use super::remap::Remap;
use super::{addrs, dwarf};
use crate::transfers;
use anyhow::Result;
use wasm_encoder::reencode::Reencode;
use wasm_encoder::{
    CodeSection, DataSection, ElementSection, Elements, ExportSection, Function, FunctionSection,
    GlobalSection, Instruction, MemorySection, TableSection, TagSection, TypeSection,
};
use wasmparser::{DataKind, ElementKind, Payload};

/// The fused module's sections, filled instance by instance.
#[derive(Default)]
pub struct Sections {
    pub types: TypeSection,
    pub funcs: FunctionSection,
    pub tables: TableSection,
    pub memories: MemorySection,
    pub tags: TagSection,
    pub globals: GlobalSection,
    pub exports: ExportSection,
    pub elems: ElementSection,
    pub code: CodeSection,
    pub data: DataSection,
    pub data_count: u32,
}

/// The custom sections of one copied instance that meld carries.
#[derive(Default)]
pub struct Customs<'a> {
    /// The `name` section's contents.
    pub names: Option<&'a [u8]>,
    /// The `producers` section's contents.
    pub producers: Option<&'a [u8]>,
    /// The `.debug_*` sections.
    pub dwarf: std::collections::HashMap<&'a str, &'a [u8]>,
    /// Where its code went (recorded only for DWARF kept).
    pub code: addrs::CodeMap,
}

/// Copies one instance's definitions into `s`, appends its
/// instantiation-time work to `start`, and returns the custom sections meld
/// carries; `dwarf`: whether to record where its code goes and keep its
/// DWARF.
pub fn instance<'a>(
    s: &mut Sections,
    remap: &mut Remap,
    layout: &Layout,
    bytes: &'a [u8],
    start: &mut Function,
    dwarf: bool,
) -> Result<Customs<'a>> {
    let mut custom = Customs::default();
    let mut code_start = 0u32;
    let mut start_func = None;
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        match payload? {
            Payload::TypeSection(r) => remap.parse_type_section(&mut s.types, r)?,
            Payload::FunctionSection(r) => remap.parse_function_section(&mut s.funcs, r)?,
            Payload::TableSection(r) => remap.parse_table_section(&mut s.tables, r)?,
            Payload::MemorySection(r) => remap.parse_memory_section(&mut s.memories, r)?,
            Payload::TagSection(r) => remap.parse_tag_section(&mut s.tags, r)?,
            Payload::GlobalSection(r) => remap.parse_global_section(&mut s.globals, r)?,
            Payload::StartSection { func, .. } => start_func = Some(remap.function_index(func)?),
            Payload::CodeSectionStart { range, .. } => code_start = range.start as u32,
            Payload::CustomSection(c) => match c.name() {
                "name" => custom.names = Some(c.data()),
                "producers" => custom.producers = Some(c.data()),
                name if dwarf && dwarf::is_dwarf(name) => {
                    custom.dwarf.insert(name, c.data());
                }
                _ => {}
            },
            Payload::CodeSectionEntry(body) if dwarf => {
                copy_recorded(s, remap, &body, code_start, &mut custom.code)?
            }
            Payload::CodeSectionEntry(body) if remap.map.transfer_imports.is_empty() => {
                remap.parse_function_body(&mut s.code, body)?
            }
            Payload::CodeSectionEntry(body) => copy_transferring(s, remap, layout, &body)?,
            Payload::ElementSection(r) => elements(s, remap, r, start)?,
            Payload::DataSection(r) => data(s, remap, r, start)?,
            _ => {}
        }
    }
    // The element section precedes the data section, so `start` now holds
    // element then data initialisation, the order core instantiation uses;
    // the start function runs last.
    if let Some(f) = start_func {
        start.instruction(&Instruction::Call(f));
    }
    Ok(custom)
}

/// Copies an adapter's function body, each handle transfer call site
/// replaced by a call of its specialised transfer.
fn copy_transferring(
    s: &mut Sections,
    remap: &mut Remap,
    layout: &Layout,
    body: &wasmparser::FunctionBody,
) -> Result<()> {
    let mut f = remap.new_function_with_parsed_locals(body)?;
    for op in transfers::ops(body, &remap.map.transfer_imports)? {
        match op {
            transfers::Op::Plain(op) => f.instruction(&remap.instruction(op)?),
            transfers::Op::Transfer(t) => {
                f.instruction(&Instruction::Call(layout.transfer_func(&t)))
            }
        };
    }
    s.code.function(&f);
    Ok(())
}

/// Copies the element segments, active ones as passive segments that
/// `start` initialises.
fn elements(
    s: &mut Sections,
    remap: &mut Remap,
    r: wasmparser::ElementSectionReader,
    start: &mut Function,
) -> Result<()> {
    for (elem_index, elem) in (remap.map.elem_base..).zip(r) {
        let elem = elem?;
        let count = match &elem.items {
            wasmparser::ElementItems::Functions(r) => r.count(),
            wasmparser::ElementItems::Expressions(_, r) => r.count(),
        };
        let items: Elements = remap.element_items(elem.items)?;
        match elem.kind {
            ElementKind::Passive => s.elems.passive(items),
            ElementKind::Declared => s.elems.declared(items),
            ElementKind::Active {
                table_index,
                offset_expr,
            } => {
                offset(remap, offset_expr, start)?;
                start.instruction(&Instruction::I32Const(0));
                start.instruction(&Instruction::I32Const(count as i32));
                let table = remap.table_index(table_index.unwrap_or(0))?;
                start.instruction(&Instruction::TableInit { elem_index, table });
                start.instruction(&Instruction::ElemDrop(elem_index));
                s.elems.passive(items)
            }
        };
    }
    Ok(())
}

/// Copies the data segments, active ones as passive segments that `start`
/// initialises.
fn data(
    s: &mut Sections,
    remap: &mut Remap,
    r: wasmparser::DataSectionReader,
    start: &mut Function,
) -> Result<()> {
    for (data_index, datum) in (remap.map.data_base..).zip(r) {
        let datum = datum?;
        if let DataKind::Active {
            memory_index,
            offset_expr,
        } = datum.kind
        {
            offset(remap, offset_expr, start)?;
            start.instruction(&Instruction::I32Const(0));
            start.instruction(&Instruction::I32Const(datum.data.len() as i32));
            let mem = remap.memory_index(memory_index)?;
            start.instruction(&Instruction::MemoryInit { mem, data_index });
            start.instruction(&Instruction::DataDrop(data_index));
        }
        s.data.passive(datum.data.iter().copied());
        s.data_count += 1;
    }
    Ok(())
}

/// Copies one function body, recording in `code` where each instruction
/// goes; `code_start` is the module's code section's offset. Adapter bodies
/// (the only ones with handle transfers) have no DWARF and never come here.
fn copy_recorded(
    s: &mut Sections,
    remap: &mut Remap,
    body: &wasmparser::FunctionBody,
    code_start: u32,
    code: &mut addrs::CodeMap,
) -> Result<()> {
    anyhow::ensure!(
        remap.map.transfer_imports.is_empty(),
        "a module with DWARF calls handle transfers"
    );
    let range = body.range();
    let old = range.start as u32 - code_start..range.end as u32 - code_start;
    let mut record = code.function(old, s.code.byte_len() as u32);
    let mut f = remap.new_function_with_parsed_locals(body)?;
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        let at = reader.original_position() as u32 - code_start;
        record.instruction(at, f.byte_len());
        f.instruction(&remap.instruction(reader.read()?)?);
    }
    record.finish(f.byte_len());
    s.code.function(&f);
    Ok(())
}

/// Emits the operators of a constant offset expression (without its `end`).
fn offset(remap: &mut Remap, expr: wasmparser::ConstExpr, f: &mut Function) -> Result<()> {
    let mut reader = expr.get_operators_reader();
    while !reader.eof() {
        let op = reader.read()?;
        if matches!(op, wasmparser::Operator::End) {
            break;
        }
        f.instruction(&remap.instruction(op)?);
    }
    Ok(())
}
