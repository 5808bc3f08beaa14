//! What the pass needs to know about its input module, read in one pass
//! over its sections (the module is validated first).

use anyhow::{Context, Result, bail};
use wasmparser::{
    CompositeInnerType, ConstExpr, ElementItems, ElementKind, ExternalKind, FunctionBody, Operator,
    Parser, Payload, TableInit, TableType, TypeRef,
};

/// One table of the input (imported tables first).
#[derive(Debug, Clone)]
pub struct InputTable<'a> {
    /// Its type.
    pub ty: TableType,
    /// Whether it is imported.
    pub imported: bool,
    /// Its initial value when it declares one.
    pub init: Option<ConstExpr<'a>>,
}

/// One element segment of the input, as far as the pass cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// An active segment.
    Active {
        /// The table it initialises.
        table: u32,
        /// Its offset when that is a single `i32.const`.
        offset: Option<i32>,
        /// How many elements it holds.
        count: u32,
    },
    /// A passive or declared segment.
    Other,
}

/// The facts of the input module the pass uses.
#[derive(Debug, Clone, Default)]
pub struct Module<'a> {
    /// Per type index: the parameter count of a function type.
    pub type_params: Vec<Option<u32>>,
    /// Per function index (imported first): its type index.
    pub func_types: Vec<u32>,
    /// Imported functions.
    pub imported_funcs: u32,
    /// Globals, imported and defined.
    pub globals: u32,
    /// Every table, imported first.
    pub tables: Vec<InputTable<'a>>,
    /// The exported tables: (export name, table index).
    pub table_exports: Vec<(&'a str, u32)>,
    /// Every element segment, in order.
    pub segments: Vec<Segment>,
    /// The defined functions' bodies, in order.
    pub bodies: Vec<FunctionBody<'a>>,
    /// The ids of the non-custom sections present.
    pub sections: Vec<u8>,
}

impl Module<'_> {
    /// The number of imported tables.
    pub fn imported_tables(&self) -> usize {
        self.tables.iter().take_while(|t| t.imported).count()
    }

    /// The parameter count of defined function `index` (0-based among
    /// the defined functions).
    pub fn params_of_body(&self, index: usize) -> Result<u32> {
        let func = self.imported_funcs as usize + index;
        let ty = self.func_types.get(func).copied();
        let params = ty.and_then(|t| self.type_params.get(t as usize).copied().flatten());
        params.with_context(|| format!("function {func} has no function type"))
    }

    /// Whether the input has a section with this id.
    pub fn has_section(&self, id: u8) -> bool {
        self.sections.contains(&id)
    }
}

/// Validates `bytes` (with [`crate::encode::features`], exception
/// handling allowed: the pass copies tags and `try_table` through) and
/// reads it.
pub fn read(bytes: &[u8]) -> Result<Module<'_>> {
    wasmparser::Validator::new_with_features(crate::encode::features_with(true))
        .validate_all(bytes)
        .context("the input of the table lowering is not a valid core module")?;
    let mut m = Module::default();
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload?;
        if let Some((id, _)) = payload.as_section()
            && !matches!(payload, Payload::CustomSection(_))
        {
            m.sections.push(id);
        }
        read_payload(&mut m, payload)?;
    }
    Ok(m)
}

fn read_payload<'a>(m: &mut Module<'a>, payload: Payload<'a>) -> Result<()> {
    match payload {
        Payload::Version {
            encoding: wasmparser::Encoding::Component,
            ..
        } => bail!("the table lowering takes a core module, not a component"),
        Payload::TypeSection(s) => {
            for group in s {
                for sub in group?.types() {
                    m.type_params.push(match &sub.composite_type.inner {
                        CompositeInnerType::Func(f) => Some(f.params().len() as u32),
                        _ => None,
                    });
                }
            }
        }
        Payload::ImportSection(s) => {
            for import in s.into_imports() {
                match import?.ty {
                    TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                        m.func_types.push(t);
                        m.imported_funcs += 1;
                    }
                    TypeRef::Table(ty) => m.tables.push(InputTable {
                        ty,
                        imported: true,
                        init: None,
                    }),
                    TypeRef::Global(_) => m.globals += 1,
                    TypeRef::Memory(_) | TypeRef::Tag(_) => {}
                }
            }
        }
        Payload::FunctionSection(s) => {
            for ty in s {
                m.func_types.push(ty?);
            }
        }
        Payload::TableSection(s) => {
            for table in s {
                let table = table?;
                m.tables.push(InputTable {
                    ty: table.ty,
                    imported: false,
                    init: match table.init {
                        TableInit::RefNull => None,
                        TableInit::Expr(e) => Some(e),
                    },
                });
            }
        }
        Payload::GlobalSection(s) => m.globals += s.count(),
        Payload::ExportSection(s) => {
            for export in s {
                let export = export?;
                if export.kind == ExternalKind::Table {
                    m.table_exports.push((export.name, export.index));
                }
            }
        }
        Payload::ElementSection(s) => {
            for segment in s {
                m.segments.push(read_segment(segment?)?);
            }
        }
        Payload::CodeSectionEntry(body) => m.bodies.push(body),
        _ => {}
    }
    Ok(())
}

fn read_segment(segment: wasmparser::Element<'_>) -> Result<Segment> {
    let count = match &segment.items {
        ElementItems::Functions(r) => r.count(),
        ElementItems::Expressions(_, r) => r.count(),
    };
    Ok(match segment.kind {
        ElementKind::Active {
            table_index,
            offset_expr,
        } => Segment::Active {
            table: table_index.unwrap_or(0),
            offset: const_i32(&offset_expr)?,
            count,
        },
        ElementKind::Passive | ElementKind::Declared => Segment::Other,
    })
}

/// The value of `expr` when it is a single `i32.const`.
fn const_i32(expr: &ConstExpr<'_>) -> Result<Option<i32>> {
    let ops = const_ops(expr)?;
    Ok(match ops.as_slice() {
        [Operator::I32Const { value }, Operator::End] => Some(*value),
        _ => None,
    })
}

/// The instructions of a constant expression (its `end` included).
pub fn const_ops<'a>(expr: &ConstExpr<'a>) -> Result<Vec<Operator<'a>>> {
    let mut out = Vec::new();
    let mut reader = expr.get_operators_reader();
    while !reader.eof() {
        out.push(reader.read()?);
    }
    Ok(out)
}
