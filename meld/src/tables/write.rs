//! Writing the lowered module: the input re-encoded section by section
//! (every index space but tables kept as it is), with the merged tables,
//! the region globals, the helper types and functions appended, active
//! element segments rebased, and table instructions rewritten.

use crate::merge::addrs::CodeMap;
use anyhow::anyhow;
use wasm_encoder::reencode::{Error, Reencode, utils};
use wasm_encoder::{
    CodeSection, ConstExpr, ElementSection, Function, FunctionSection, GlobalSection, GlobalType,
    NameMap, NameSection, SectionId, TableSection, TypeSection, ValType,
};

use super::access;
use super::helpers;
use super::layout::{Helper, Layout, OUT_OF_BOUNDS, Physical, Target};
use super::scan::{Module, Segment};

type Result<T> = std::result::Result<T, Error<anyhow::Error>>;

/// Writes the lowered form of `bytes` (read as `module`) under `layout`,
/// and where its code went; `scratch`: per defined function, whether its
/// body needs a scratch local.
pub fn write(
    bytes: &[u8],
    module: &Module<'_>,
    layout: &Layout<'_>,
    scratch: &[bool],
) -> anyhow::Result<(Vec<u8>, CodeMap)> {
    let mut writer = Writer {
        module,
        layout,
        scratch,
        next_body: 0,
        next_segment: 0,
        next_table: module.imported_tables(),
        inserted: Vec::new(),
        code_start: 0,
        code: CodeMap::default(),
    };
    let mut out = wasm_encoder::Module::new();
    writer
        .parse_core_module(&mut out, wasmparser::Parser::new(0), bytes)
        .map_err(|e| match e {
            Error::UserError(e) => e,
            Error::ParseError(e) => anyhow::Error::new(e),
            other => anyhow!("{other}"),
        })?;
    Ok((out.finish(), writer.code))
}

struct Writer<'m, 'a> {
    module: &'m Module<'a>,
    layout: &'m Layout<'a>,
    scratch: &'m [bool],
    next_body: usize,
    next_segment: usize,
    next_table: usize,
    inserted: Vec<SectionId>,
    /// The input's code section contents' offset.
    code_start: usize,
    /// Where the input's code went.
    code: CodeMap,
}

fn user(e: anyhow::Error) -> Error<anyhow::Error> {
    Error::UserError(e)
}

/// A section's place in the module's section order.
fn order(id: SectionId) -> u8 {
    match id {
        SectionId::Tag => 11,
        SectionId::DataCount => 19,
        other => other as u8 * 2,
    }
}

impl Writer<'_, '_> {
    fn first_defined(&self) -> u32 {
        self.module.imported_tables() as u32
    }

    fn helpers(&self) -> impl Iterator<Item = (Helper, u32)> + '_ {
        (self.layout.helpers.functions.iter()).map(|(&h, &f)| (h, f))
    }

    fn append_types(&self, types: &mut TypeSection) {
        for (params, results) in &self.layout.helpers.types {
            types
                .ty()
                .function(params.iter().copied(), results.iter().copied());
        }
    }

    fn append_functions(&self, functions: &mut FunctionSection) {
        for ty in self.layout.helpers.type_of.values() {
            functions.function(*ty);
        }
    }

    fn append_globals(&self, globals: &mut GlobalSection) {
        let ty = GlobalType {
            val_type: ValType::I32,
            mutable: true,
            shared: false,
        };
        for g in &self.layout.globals {
            globals.global(ty, &ConstExpr::i32_const(g.initial as i32));
        }
    }

    fn append_bodies(&self, code: &mut CodeSection) -> Result<()> {
        for (h, _) in self.helpers() {
            code.function(&helpers::body(h, self.layout).map_err(user)?);
        }
        Ok(())
    }

    /// Writes the new sections the input lacks that belong before
    /// `before` (`None`: the end).
    fn insert_missing(
        &mut self,
        module: &mut wasm_encoder::Module,
        before: Option<SectionId>,
    ) -> Result<()> {
        let helpers = !self.layout.helpers.functions.is_empty();
        let wanted = [
            (SectionId::Type, helpers),
            (SectionId::Function, helpers),
            (SectionId::Global, !self.layout.globals.is_empty()),
            (SectionId::Code, helpers),
        ];
        for (id, needed) in wanted {
            let due = before.is_none_or(|b| order(b) > order(id));
            if !needed || !due || self.module.has_section(id as u8) || self.inserted.contains(&id) {
                continue;
            }
            self.inserted.push(id);
            match id {
                SectionId::Type => {
                    let mut s = TypeSection::new();
                    self.append_types(&mut s);
                    module.section(&s);
                }
                SectionId::Function => {
                    let mut s = FunctionSection::new();
                    self.append_functions(&mut s);
                    module.section(&s);
                }
                SectionId::Global => {
                    let mut s = GlobalSection::new();
                    self.append_globals(&mut s);
                    module.section(&s);
                }
                _ => {
                    let mut s = CodeSection::new();
                    self.append_bodies(&mut s)?;
                    module.section(&s);
                }
            }
        }
        Ok(())
    }

    /// The offset of active segment `index` when its table is a region.
    fn rebased_offset(&self, index: usize) -> Result<Option<(u32, i32)>> {
        let Some(Segment::Active {
            table,
            offset,
            count,
        }) = self.module.segments.get(index)
        else {
            return Ok(None);
        };
        let Some(r) = self.layout.region(*table).map_err(user)? else {
            return Ok(None);
        };
        let Some(offset) = offset else {
            return Err(user(anyhow!(
                "element segment {index}: offset is not constant"
            )));
        };
        let offset = *offset as u32 as u64;
        // A segment past its table's end still fails instantiation.
        let rebased = if offset + u64::from(*count) > u64::from(r.initial) {
            OUT_OF_BOUNDS
        } else {
            (offset + u64::from(r.base)) as i32
        };
        Ok(Some((r.table, rebased)))
    }

    /// A name map of the input's `map` with `extra` names appended.
    fn names(
        &mut self,
        map: wasmparser::NameMap<'_>,
        index: impl Fn(&Self, u32) -> Result<Option<u32>>,
        extra: impl IntoIterator<Item = (u32, String)>,
    ) -> Result<NameMap> {
        let mut names = Vec::new();
        for naming in map {
            let naming = naming?;
            if let Some(i) = index(self, naming.index)? {
                names.push((i, naming.name.to_string()));
            }
        }
        names.sort_by_key(|(i, _)| *i);
        names.extend(extra);
        let mut out = NameMap::new();
        for (i, name) in &names {
            out.append(*i, name);
        }
        Ok(out)
    }
}

impl Reencode for Writer<'_, '_> {
    type Error = anyhow::Error;

    fn table_index(&mut self, table: u32) -> Result<u32> {
        self.layout.target(table).map(Target::table).map_err(user)
    }

    fn parse_type_section(
        &mut self,
        types: &mut TypeSection,
        section: wasmparser::TypeSectionReader<'_>,
    ) -> Result<()> {
        utils::parse_type_section(self, types, section)?;
        self.append_types(types);
        Ok(())
    }

    fn parse_function_section(
        &mut self,
        functions: &mut FunctionSection,
        section: wasmparser::FunctionSectionReader<'_>,
    ) -> Result<()> {
        utils::parse_function_section(self, functions, section)?;
        self.append_functions(functions);
        Ok(())
    }

    fn parse_table(
        &mut self,
        tables: &mut TableSection,
        table: wasmparser::Table<'_>,
    ) -> Result<()> {
        let input = self.next_table as u32;
        self.next_table += 1;
        let output = self.module.imported_tables() as u32 + tables.len();
        match self.layout.target(input).map_err(user)? {
            Target::Plain(_) => utils::parse_table(self, tables, table)?,
            // The physical table is written where its first region was.
            Target::Region(r) if r.table == output => {
                let physical = self
                    .layout
                    .physical
                    .get((output - self.first_defined()) as usize);
                let Some(Physical::Merged { ty, init }) = physical else {
                    return Err(user(anyhow!("internal: table {output} is not merged")));
                };
                match init {
                    Some(init) => tables.table_with_init(*ty, &self.const_expr(init.clone())?),
                    None => tables.table(*ty),
                };
            }
            Target::Region(_) => {}
        }
        Ok(())
    }

    fn parse_global_section(
        &mut self,
        globals: &mut GlobalSection,
        section: wasmparser::GlobalSectionReader<'_>,
    ) -> Result<()> {
        utils::parse_global_section(self, globals, section)?;
        self.append_globals(globals);
        Ok(())
    }

    fn parse_element(
        &mut self,
        elements: &mut ElementSection,
        element: wasmparser::Element<'_>,
    ) -> Result<()> {
        let index = self.next_segment;
        self.next_segment += 1;
        match self.rebased_offset(index)? {
            None => utils::parse_element(self, elements, element),
            Some((table, offset)) => {
                let items = self.element_items(element.items)?;
                elements.active(Some(table), &ConstExpr::i32_const(offset), items);
                Ok(())
            }
        }
    }

    fn parse_code_section(
        &mut self,
        code: &mut CodeSection,
        section: wasmparser::CodeSectionReader<'_>,
    ) -> Result<()> {
        self.code_start = section.range().start;
        utils::parse_code_section(self, code, section)?;
        self.append_bodies(code)?;
        self.code.set_base(crate::merge::addrs::leb_len(code.len()));
        Ok(())
    }

    fn parse_function_body(
        &mut self,
        code: &mut CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> Result<()> {
        let index = self.next_body;
        self.next_body += 1;
        let mut locals = Vec::new();
        let mut count = self.module.params_of_body(index).map_err(user)?;
        for pair in func.get_locals_reader()? {
            let (n, ty) = pair?;
            count = count.saturating_add(n);
            locals.push((n, self.val_type(ty)?));
        }
        let scratch = self.scratch.get(index).copied().unwrap_or(false);
        let scratch = scratch.then(|| {
            locals.push((1, ValType::I32));
            count
        });
        let mut f = Function::new(locals);
        let mut reader = func.get_operators_reader()?;
        let mut points = Vec::new();
        while !reader.eof() {
            points.push((
                (reader.original_position() - self.code_start) as u32,
                f.byte_len(),
            ));
            let op = reader.read()?;
            let helpers = &self.layout.helpers;
            match access::rewrite(&op, self.layout, helpers, scratch).map_err(user)? {
                Some(code) => code.iter().for_each(|i| {
                    f.instruction(i);
                }),
                None => {
                    f.instruction(&self.instruction(op)?);
                }
            }
        }
        let old = func.range();
        let old = (old.start - self.code_start) as u32..(old.end - self.code_start) as u32;
        let mut record = self.code.function(old, code.byte_len() as u32);
        for (at, new) in points {
            record.instruction(at, new);
        }
        record.finish(f.byte_len());
        code.function(&f);
        Ok(())
    }

    fn intersperse_section_hook(
        &mut self,
        module: &mut wasm_encoder::Module,
        _after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> Result<()> {
        self.insert_missing(module, before)
    }

    fn parse_custom_name_subsection(
        &mut self,
        names: &mut NameSection,
        section: wasmparser::Name<'_>,
    ) -> Result<()> {
        match section {
            wasmparser::Name::Table(map) => {
                let plain = |w: &Self, t: u32| match w.layout.target(t).map_err(user)? {
                    Target::Plain(out) => Ok(Some(*out)),
                    Target::Region(_) => Ok(None),
                };
                names.tables(&self.names(map, plain, [])?);
            }
            wasmparser::Name::Function(map) => {
                let extra = helpers::names(&self.layout.helpers);
                names.functions(&self.names(map, |_, f| Ok(Some(f)), extra)?);
            }
            wasmparser::Name::Global(map) => {
                let first = self.layout.first_global;
                let extra = (self.layout.globals.iter().enumerate())
                    .map(|(i, g)| (first + i as u32, g.name.clone()))
                    .collect::<Vec<_>>();
                names.globals(&self.names(map, |_, g| Ok(Some(g)), extra)?);
            }
            other => utils::parse_custom_name_subsection(self, names, other)?,
        }
        Ok(())
    }
}
