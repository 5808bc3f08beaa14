//! Writing the lowered module, section by section in the input's order:
//! sections the pass does not change are copied byte for byte; the type,
//! function, memory, global, export, code, data and `name` sections are
//! rewritten, and a global or export section is added where the input has
//! none.

use super::body;
use super::helpers;
use super::names;
use super::regions::{Helper, Layout, OUT_OF_BOUNDS, PAGE_BYTES};
use super::scan::{self, Input};
use crate::merge::addrs::CodeMap;
use anyhow::{Context, Result, anyhow, bail};
use std::borrow::Cow;
use std::ops::Range;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    CodeSection, ConstExpr, CustomSection, DataSection, ExportKind, ExportSection, FunctionSection,
    GlobalSection, GlobalType, MemorySection, MemoryType, Module, RawSection, TypeSection, ValType,
};
use wasmparser::{BinaryReader, CodeSectionReader, DataKind, Parser, Payload};

const GLOBAL: u8 = 6;
const EXPORT: u8 = 7;

/// Where section `id` goes in a module (custom sections aside).
fn rank(id: u8) -> u8 {
    match id {
        13 => 6,                 // tag
        6 | 7 | 8 | 9 => id + 1, // global, export, start, element
        12 => 11,                // data count
        10 => 12,                // code
        11 => 13,                // data
        _ => id,
    }
}

struct Emitter<'a> {
    module: &'a [u8],
    input: &'a Input,
    layout: &'a Layout,
    out: Module,
    globals_done: bool,
    exports_done: bool,
    /// Where the input's code went.
    code: CodeMap,
}

/// The lowered `module` under `layout`, and where its code went.
pub fn emit(module: &[u8], input: &Input, layout: &Layout) -> Result<(Vec<u8>, CodeMap)> {
    let mut e = Emitter {
        module,
        input,
        layout,
        out: Module::new(),
        globals_done: false,
        exports_done: false,
        code: CodeMap::default(),
    };
    for payload in Parser::new(0).parse_all(module) {
        e.payload(payload?)?;
    }
    e.flush(u8::MAX)?;
    Ok((e.out.finish(), e.code))
}

fn re<T>(r: Result<T, wasm_encoder::reencode::Error>) -> Result<T> {
    r.map_err(|e| anyhow!("--memory single: {e}"))
}

impl Emitter<'_> {
    fn raw(&mut self, id: u8, range: Range<usize>) -> Result<()> {
        self.flush(rank(id))?;
        let data = (self.module.get(range)).ok_or_else(|| anyhow!("--memory single: truncated"))?;
        self.out.section(&RawSection { id, data });
        Ok(())
    }

    fn payload(&mut self, payload: Payload<'_>) -> Result<()> {
        match payload {
            Payload::Version { encoding, .. } => {
                if encoding != wasmparser::Encoding::Module {
                    bail!("--memory single: the input is not a core module");
                }
            }
            Payload::TypeSection(r) => {
                self.flush(1)?;
                let mut types = TypeSection::new();
                re(RoundtripReencoder.parse_type_section(&mut types, r))?;
                if !self.layout.helpers.is_empty() {
                    types.ty().function([ValType::I32], [ValType::I32]);
                    types.ty().function([ValType::I32; 3], []);
                }
                self.out.section(&types);
            }
            Payload::ImportSection(r) => self.raw(2, r.range())?,
            Payload::FunctionSection(r) => {
                self.flush(3)?;
                let mut functions = FunctionSection::new();
                re(RoundtripReencoder.parse_function_section(&mut functions, r))?;
                for helper in self.layout.helpers.keys() {
                    functions.function(match helper {
                        Helper::Grow(_) => self.layout.grow_type,
                        _ => self.layout.bulk_type,
                    });
                }
                self.out.section(&functions);
            }
            Payload::TableSection(r) => self.raw(4, r.range())?,
            Payload::MemorySection(_) => {
                self.flush(5)?;
                let mut memories = MemorySection::new();
                memories.memory(MemoryType {
                    minimum: self.layout.physical_initial,
                    maximum: self.layout.physical_maximum,
                    memory64: false,
                    shared: false,
                    page_size_log2: None,
                });
                self.out.section(&memories);
            }
            Payload::TagSection(r) => self.raw(13, r.range())?,
            Payload::GlobalSection(r) => self.globals(Some(r))?,
            Payload::ExportSection(r) => self.exports(Some(r))?,
            Payload::StartSection { range, .. } => self.raw(8, range)?,
            Payload::ElementSection(r) => self.raw(9, r.range())?,
            Payload::DataCountSection { range, .. } => self.raw(12, range)?,
            Payload::CodeSectionStart { range, .. } => self.code(range)?,
            Payload::CodeSectionEntry(_) => {}
            Payload::DataSection(r) => self.data(r)?,
            Payload::CustomSection(r) => self.custom(&r),
            Payload::End(_) => {}
            other => bail!("--memory single: unexpected section {other:?} in a core module"),
        }
        Ok(())
    }

    /// Adds the global and export sections the input lacks, if they go
    /// before a section of rank `before`.
    fn flush(&mut self, before: u8) -> Result<()> {
        if !self.globals_done && rank(GLOBAL) < before {
            self.globals(None)?;
        }
        if !self.exports_done && rank(EXPORT) < before {
            self.exports(None)?;
        }
        Ok(())
    }

    fn globals(&mut self, reader: Option<wasmparser::GlobalSectionReader<'_>>) -> Result<()> {
        self.globals_done = true;
        self.flush(rank(GLOBAL))?;
        let mut section = GlobalSection::new();
        for (k, global) in reader.into_iter().flatten().enumerate() {
            let global = global?;
            let index = self.input.imported_globals + k as u32;
            let ty = re(RoundtripReencoder.global_type(global.ty))?;
            let init = match self.layout.rebased_globals.get(&index) {
                Some(base) => ConstExpr::i32_const(*base),
                None => re(RoundtripReencoder.const_expr(global.init_expr))?,
            };
            section.global(ty, &init);
        }
        for global in &self.layout.new_globals {
            let (val_type, init) = match global.wide {
                true => (ValType::I64, ConstExpr::i64_const(global.init)),
                false => (ValType::I32, ConstExpr::i32_const(global.init as i32)),
            };
            let ty = GlobalType {
                val_type,
                mutable: true,
                shared: false,
            };
            section.global(ty, &init);
        }
        if !section.is_empty() {
            self.out.section(&section);
        }
        Ok(())
    }

    fn exports(&mut self, reader: Option<wasmparser::ExportSectionReader<'_>>) -> Result<()> {
        self.exports_done = true;
        self.flush(rank(EXPORT))?;
        let mut section = ExportSection::new();
        for export in reader.into_iter().flatten() {
            let export = export?;
            if export.kind != wasmparser::ExternalKind::Memory {
                let kind = re(RoundtripReencoder.export_kind(export.kind))?;
                section.export(export.name, kind, export.index);
            }
        }
        section.export(&self.layout.export_name, ExportKind::Memory, 0);
        self.out.section(&section);
        Ok(())
    }

    fn code(&mut self, range: Range<usize>) -> Result<()> {
        self.flush(rank(10))?;
        let data = (self.module.get(range.clone()))
            .ok_or_else(|| anyhow!("--memory single: truncated"))?;
        let reader = CodeSectionReader::new(BinaryReader::new(data, range.start))?;
        let mut code = CodeSection::new();
        let imported = self.input.imported_funcs as usize;
        for (k, body) in reader.into_iter().enumerate() {
            let body = body?;
            let ty = self.input.func_types.get(imported + k);
            let params =
                ty.and_then(|t| self.input.type_params.get(*t as usize).copied().flatten());
            let params = params.ok_or_else(|| {
                anyhow!(
                    "--memory single: function {} has no function type",
                    imported + k
                )
            })?;
            let (function, points) = body::rewrite(&body, params, self.layout)
                .with_context(|| format!("--memory single: in function {}", imported + k))?;
            let old = body.range();
            let old = (old.start - range.start) as u32..(old.end - range.start) as u32;
            let mut record = self.code.function(old, code.byte_len() as u32);
            for (at, new) in points {
                record.instruction((at - range.start) as u32, new);
            }
            record.finish(function.byte_len());
            code.function(&function);
        }
        for helper in self.layout.helpers.keys() {
            code.function(&helpers::helper(self.layout, *helper)?);
        }
        self.code.set_base(crate::merge::addrs::leb_len(code.len()));
        self.out.section(&code);
        Ok(())
    }

    fn data(&mut self, reader: wasmparser::DataSectionReader<'_>) -> Result<()> {
        self.flush(rank(11))?;
        let mut section = DataSection::new();
        for (k, segment) in reader.into_iter().enumerate() {
            let segment = segment?;
            let bytes = segment.data.iter().copied();
            match segment.kind {
                DataKind::Passive => {
                    section.passive(bytes);
                }
                DataKind::Active {
                    memory_index,
                    offset_expr,
                } if !self.layout.checked => {
                    let offset = re(RoundtripReencoder.const_expr(offset_expr))?;
                    section.active(memory_index, &offset, bytes);
                }
                DataKind::Active {
                    memory_index,
                    offset_expr,
                } => {
                    let offset = scan::offset_value(&offset_expr)?.ok_or_else(|| {
                        anyhow!(
                            "--memory single: data segment {k} (memory {memory_index}): its offset \
                             reads a global that is not a constant: not supported"
                        )
                    })?;
                    let region = self.layout.region(memory_index)?;
                    let start = u64::from(offset as u32);
                    let end = start + segment.data.len() as u64;
                    let physical = match end <= region.initial * PAGE_BYTES {
                        true => (region.base + start) as u32 as i32,
                        false => OUT_OF_BOUNDS,
                    };
                    section.active(0, &ConstExpr::i32_const(physical), bytes);
                }
            }
        }
        self.out.section(&section);
        Ok(())
    }

    fn custom(&mut self, reader: &wasmparser::CustomSectionReader<'_>) {
        let data = match reader.name() {
            "name" => {
                match names::rewrite(reader.data(), &self.helper_names(), &self.global_names()) {
                    Some(data) => Cow::Owned(data),
                    None => return,
                }
            }
            _ => Cow::Borrowed(reader.data()),
        };
        self.out.section(&CustomSection {
            name: Cow::Borrowed(reader.name()),
            data,
        });
    }

    fn helper_names(&self) -> Vec<(u32, String)> {
        let names = self.layout.helpers.iter().map(|(helper, index)| {
            let name = match helper {
                Helper::Grow(m) => format!("meld:region{m}.grow"),
                Helper::Fill(m) => format!("meld:region{m}.fill"),
                Helper::Copy { dst, src } => format!("meld:region{dst}.copy_from{src}"),
                Helper::Init { data, memory } => format!("meld:region{memory}.init{data}"),
            };
            (*index, name)
        });
        names.collect()
    }

    fn global_names(&self) -> Vec<(u32, String)> {
        let globals = self.layout.new_globals.iter().enumerate();
        globals
            .map(|(k, g)| (self.layout.first_new_global + k as u32, g.name.clone()))
            .collect()
    }
}
