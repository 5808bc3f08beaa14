//! DWARF carried into the fused module: every core instance's `.debug_*`
//! sections, converted with `gimli` into one set of sections whose code
//! addresses point at the instance's code in the fused module.
//!
//! Each instance (a module instantiated twice appears twice) contributes
//! its own compilation units, without the DIEs of code its linker discarded
//! (`low_pc` a tombstone) unless a carried DIE refers to them, their code addresses rewritten through the
//! instance's [`CodeMap`]: attributes of the address class (`low_pc`,
//! `high_pc`, `entry_pc`, call sites), `high_pc` given as a length, range
//! lists, location lists (written as absolute start/end pairs) and line
//! programs, row by row. Strings, line strings and abbreviations are
//! shared. Addresses outside every function (the tombstones a linker
//! leaves for discarded code) are kept as they are. In expressions,
//! `DW_OP_WASM_location` globals (frame bases in `__stack_pointer`) are
//! mapped to the fused globals; the rest is copied: `DW_OP_addr` names
//! linear memory, whose addresses fusing keeps.
//!
//! Not carried: `.debug_aranges`, `.debug_pubnames`, `.debug_pubtypes` and
//! `.debug_names` (lookup accelerators that consumers rebuild from
//! `.debug_info`), `.debug_types` (DWARF 4 type units), split DWARF, and
//! the `external_debug_info` / `sourceMappingURL` sections. A limit of wasm
//! DWARF itself: it cannot say which memory a variable lives in, so a
//! debugger reads every instance's variables from the first memory; an
//! expression that branches or refers to other DIEs keeps its global
//! indices. Code addresses, lines and call stacks are exact. Functions
//! meld generates (adapters' copies have no DWARF, meld's intrinsics)
//! have none.

use super::addrs::CodeMap;
use anyhow::{Context, Result};
use gimli::write::{
    self, Address, AttributeValue, ConvertUnit, ConvertUnitEntry, EndianVec, LineRow,
};
use gimli::{EndianSlice, LittleEndian, constants, read};
use std::collections::HashMap;

type Reader<'a> = EndianSlice<'a, LittleEndian>;

/// A module's `.debug_*` sections: name (`.debug_info`) → contents.
pub type Sections<'a> = HashMap<&'a str, &'a [u8]>;

/// One instance's DWARF: its module's `.debug_*` sections by name, and
/// where its code went.
pub struct Instance<'a> {
    /// Section name (`.debug_info`) → contents.
    pub sections: Sections<'a>,
    /// Old → new code offsets.
    pub code: &'a CodeMap,
    /// The instance's global index → fused global index.
    pub globals: &'a [u32],
}

/// Whether a custom section is DWARF meld converts.
pub fn is_dwarf(name: &str) -> bool {
    name.starts_with(".debug_")
}

/// The fused module's `.debug_*` sections, (name, contents), from every
/// instance's; empty when no instance has DWARF.
pub fn merge(instances: &[Instance]) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let mut dwarf = write::Dwarf::new();
    let mut sections = write::Sections::new(EndianVec::new(LittleEndian));
    let mut any = false;
    for (i, instance) in instances.iter().enumerate() {
        if !instance.sections.contains_key(".debug_info") {
            continue;
        }
        any = true;
        convert(&mut dwarf, &mut sections, instance).with_context(|| {
            format!(
                "converting the DWARF of core instance {i} (`--debug-info strip` fuses \
                     without it)"
            )
        })?;
    }
    if !any {
        return Ok(Vec::new());
    }
    dwarf.write(&mut sections)?;
    drop(dwarf);
    let mut out = Vec::new();
    sections.for_each_mut(|id, data| {
        let data = data.take();
        if !data.is_empty() {
            out.push((id.name(), data));
        }
        Ok::<_, gimli::write::Error>(())
    })?;
    Ok(out)
}

/// Converts one instance's units into `dwarf`, writing each as it is done.
fn convert(
    dwarf: &mut write::Dwarf,
    sections: &mut write::Sections<EndianVec<LittleEndian>>,
    instance: &Instance,
) -> Result<()> {
    let empty: &[u8] = &[];
    let read = read::Dwarf::load(|id| -> Result<Reader, gimli::Error> {
        let data = instance.sections.get(id.name()).copied().unwrap_or(empty);
        Ok(EndianSlice::new(data, LittleEndian))
    })?;
    let maps = Maps {
        code: instance.code,
        globals: instance.globals,
    };
    let mut units = dwarf.convert_with_filter(live(&read)?)?;
    while let Some((mut unit, root)) = units.read_unit()? {
        let size = unit.read_unit.encoding().address_size;
        if let Some(program) = unit.read_line_program(None, None)? {
            let (program, files) = line_program(program, maps.code, size)?;
            unit.set_line_program(program, files);
        }
        let root_id = unit.unit.root();
        attributes(&mut unit, root_id, &root, &maps)?;
        let mut entry = root;
        while let Some(id) = unit.read_entry(&mut entry)? {
            let Some(id) = id else { continue };
            let id = unit.add_entry(Some(id), &entry);
            attributes(&mut unit, id, &entry, &maps)?;
        }
        unit.write(sections)?;
    }
    Ok(())
}

/// The DIEs worth carrying: every one except the subtrees of entries whose
/// `low_pc` is a linker's tombstone (functions the linker discarded: about
/// four in five subprograms of a Rust debug build), unless a carried DIE
/// refers into them (gimli keeps what carried DIEs refer to, and parents).
fn live<'a, R: gimli::Reader<Offset = usize>>(
    read: &'a read::Dwarf<R>,
) -> Result<write::FilterUnitSection<'a, R>> {
    let mut filter = write::FilterUnitSection::new(read)?;
    while let Some(mut unit) = filter.read_unit()? {
        let mut entry = unit.null_entry();
        let mut dead: Option<isize> = None;
        while unit.read_entry(&mut entry)? {
            match dead {
                Some(depth) if entry.depth > depth => continue,
                _ => dead = None,
            }
            let low_pc = entry.attr_value(constants::DW_AT_low_pc);
            let low_pc = low_pc.map(|v| entry.read_unit.attr_address(v));
            if let Some(Ok(Some(address))) = low_pc
                && is_tombstone(address, entry.read_unit.encoding().address_size)
            {
                dead = Some(entry.depth);
                continue;
            }
            unit.require_entry(entry.offset);
        }
    }
    Ok(filter)
}

/// Whether `address` is a tombstone: the all-ones address, or one less
/// (what LLVM's linkers write for discarded code, `-2` where `-1` means a
/// base address selection).
fn is_tombstone(address: u64, address_size: u8) -> bool {
    let max = u64::MAX >> (64 - 8 * u32::from(address_size.clamp(1, 8)));
    address >= max - 1
}

/// A code address as the start of something, or unchanged outside every
/// function.
fn begin(code: &CodeMap, old: u64) -> u64 {
    code.begin(old).unwrap_or(old)
}

/// A code address as the end of something, or unchanged.
fn end(code: &CodeMap, old: u64) -> u64 {
    code.end(old).unwrap_or(old)
}

/// Converts a line program row by row: each row's address is mapped.
fn line_program<R: gimli::Reader<Offset = usize>>(
    mut program: write::ConvertLineProgram<'_, R>,
    code: &CodeMap,
    address_size: u8,
) -> Result<(write::LineProgram, Vec<write::FileId>)> {
    // Rows are offsets from the last `DW_LNE_set_address`.
    let (mut old_base, mut new_base) = (0u64, 0u64);
    // A sequence of discarded code (it starts at a tombstone) is dropped.
    let mut dead = false;
    let size = address_size;
    while let Some(row) = program.read_row()? {
        match row {
            write::ConvertLineRow::SetAddress(address)
                if !program.in_sequence() && is_tombstone(address, size) =>
            {
                dead = true;
            }
            write::ConvertLineRow::EndSequence(_) | write::ConvertLineRow::Row(_) if dead => {
                dead = !matches!(row, write::ConvertLineRow::EndSequence(_));
            }
            write::ConvertLineRow::SetAddress(address) => {
                old_base = address;
                new_base = begin(code, address);
                program.set_address(Address::Constant(new_base));
            }
            write::ConvertLineRow::Row(row) => {
                let old = old_base.saturating_add(row.address_offset);
                let address_offset = begin(code, old).saturating_sub(new_base);
                program.generate_row(LineRow {
                    address_offset,
                    ..row
                });
            }
            write::ConvertLineRow::EndSequence(length) => {
                program.end_sequence(
                    end(code, old_base.saturating_add(length)).saturating_sub(new_base),
                );
            }
        }
    }
    if program.in_sequence() {
        return Err(write::ConvertError::MissingLineEndSequence.into());
    }
    Ok(program.program())
}

/// Converts the attributes of one entry, mapping code addresses.
fn attributes<R: gimli::Reader<Offset = usize>>(
    unit: &mut ConvertUnit<'_, R>,
    id: write::UnitEntryId,
    entry: &ConvertUnitEntry<'_, R>,
    maps: &Maps,
) -> Result<()> {
    let code = maps.code;
    let read_unit = entry.read_unit;
    let low_pc = entry
        .attrs
        .iter()
        .find(|a| a.name() == constants::DW_AT_low_pc)
        .map(|a| read_unit.attr_address(a.value()))
        .transpose()?
        .flatten();
    let identity = |a| Some(Address::Constant(a));
    for attr in &entry.attrs {
        let name = attr.name();
        if name == constants::DW_AT_GNU_locviews {
            continue;
        }
        let high = name == constants::DW_AT_high_pc;
        let value = match attr.value() {
            read::AttributeValue::Addr(_) | read::AttributeValue::DebugAddrIndex(_) => {
                let Some(old) = read_unit.attr_address(attr.value())? else {
                    continue;
                };
                let new = if high {
                    end(code, old)
                } else {
                    begin(code, old)
                };
                AttributeValue::Address(Address::Constant(new))
            }
            read::AttributeValue::Udata(len) if high && low_pc.is_some() => {
                let low = low_pc.unwrap_or_default();
                let new = end(code, low.saturating_add(len)).saturating_sub(begin(code, low));
                AttributeValue::Udata(new)
            }
            read::AttributeValue::RangeListsRef(raw) => {
                let offset = read_unit.ranges_offset_from_raw(raw);
                ranges(unit, read_unit, offset, code)?
            }
            read::AttributeValue::DebugRngListsIndex(index) => {
                let offset = read_unit.ranges_offset(index)?;
                ranges(unit, read_unit, offset, code)?
            }
            read::AttributeValue::LocationListsRef(offset) => {
                locations(unit, read_unit, offset, maps)?
            }
            read::AttributeValue::DebugLocListsIndex(index) => {
                let offset = read_unit.locations_offset(index)?;
                locations(unit, read_unit, offset, maps)?
            }
            read::AttributeValue::Exprloc(ref expr) => {
                match remap_globals(expr, read_unit.encoding(), maps.globals) {
                    Some(bytes) => AttributeValue::Exprloc(write::Expression::raw(bytes)),
                    None => unit.convert_attribute_value(read_unit, attr, &identity)?,
                }
            }
            _ => unit.convert_attribute_value(read_unit, attr, &identity)?,
        };
        unit.unit.get_mut(id).set(name, value);
    }
    Ok(())
}

/// A range list with mapped, absolute bounds (empty ranges dropped).
fn ranges<R: gimli::Reader<Offset = usize>>(
    unit: &mut ConvertUnit<'_, R>,
    read_unit: read::UnitRef<'_, R>,
    offset: gimli::RangeListsOffset,
    code: &CodeMap,
) -> Result<AttributeValue> {
    let mut list = vec![base_address()];
    let mut iter = read_unit.ranges(offset)?;
    while let Some(range) = iter.next()? {
        let (b, e) = (begin(code, range.begin), end(code, range.end));
        if b < e {
            list.push(write::Range::StartEnd {
                begin: Address::Constant(b),
                end: Address::Constant(e),
            });
        }
    }
    let id = unit.unit.ranges.add(write::RangeList(list));
    Ok(AttributeValue::RangeListRef(id))
}

/// A location list with mapped, absolute bounds (empty ranges dropped).
fn locations<R: gimli::Reader<Offset = usize>>(
    unit: &mut ConvertUnit<'_, R>,
    read_unit: read::UnitRef<'_, R>,
    offset: gimli::LocationListsOffset,
    maps: &Maps,
) -> Result<AttributeValue> {
    let code = maps.code;
    let mut list = vec![write::Location::BaseAddress {
        address: Address::Constant(0),
    }];
    let identity = |a| Some(Address::Constant(a));
    let mut iter = read_unit.locations(offset)?;
    while let Some(entry) = iter.next()? {
        let (b, e) = (begin(code, entry.range.begin), end(code, entry.range.end));
        if b < e {
            let data = match remap_globals(&entry.data, read_unit.encoding(), maps.globals) {
                Some(bytes) => write::Expression::raw(bytes),
                None => unit.convert_expression(read_unit, entry.data, &identity)?,
            };
            list.push(write::Location::StartEnd {
                begin: Address::Constant(b),
                end: Address::Constant(e),
                data,
            });
        }
    }
    let id = unit.unit.locations.add(write::LocationList(list));
    Ok(AttributeValue::LocationListRef(id))
}

/// The maps one instance's DWARF is rewritten through.
struct Maps<'a> {
    code: &'a CodeMap,
    globals: &'a [u32],
}

/// `expr` with the index of every `DW_OP_WASM_location` of a global (a
/// frame base in `__stack_pointer`) mapped to the fused global, as raw
/// bytes; `None` when it names no global, or when it holds an operation
/// whose operands the raw copy would break (branches, whose targets move
/// when an index's length changes, and references into other sections or
/// DIEs, which need gimli's conversion): those are converted unchanged.
fn remap_globals<R: gimli::Reader<Offset = usize>>(
    expr: &read::Expression<R>,
    encoding: gimli::Encoding,
    globals: &[u32],
) -> Option<Vec<u8>> {
    use read::Operation as Op;
    let bytes = expr.0.to_slice().ok()?;
    let mut reader = EndianSlice::new(&bytes, LittleEndian);
    let mut out = Vec::with_capacity(bytes.len() + 4);
    let mut changed = false;
    while !reader.is_empty() {
        let start = bytes.len() - reader.len();
        let op = Op::parse(&mut reader, encoding).ok()?;
        let end = bytes.len() - reader.len();
        match op {
            Op::WasmGlobal { index } => {
                let fused = *globals.get(index as usize)?;
                // DW_OP_WASM_location, kind 3 (a global, fixed 4-byte index).
                out.extend_from_slice(&[0xed, 0x03]);
                out.extend_from_slice(&fused.to_le_bytes());
                changed = true;
            }
            Op::Bra { .. }
            | Op::Skip { .. }
            | Op::Call { .. }
            | Op::ImplicitPointer { .. }
            | Op::EntryValue { .. }
            | Op::ParameterRef { .. }
            | Op::AddressIndex { .. }
            | Op::ConstantIndex { .. }
            | Op::TypedLiteral { .. }
            | Op::Convert { .. }
            | Op::Reinterpret { .. }
            | Op::VariableValue { .. } => return None,
            Op::RegisterOffset { base_type, .. } | Op::Deref { base_type, .. }
                if base_type.0 != 0 =>
            {
                return None;
            }
            _ => out.extend_from_slice(&bytes[start..end]),
        }
    }
    changed.then_some(out)
}

/// A base address selection of 0, so the absolute pairs that follow are
/// read as addresses whatever the unit's base.
fn base_address() -> write::Range {
    write::Range::BaseAddress {
        address: Address::Constant(0),
    }
}
