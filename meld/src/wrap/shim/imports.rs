//! A boundary module's imports, added as the code that uses them is
//! emitted, and listed for the wrapper to instantiate the module with.

use crate::runtime::resources::boundary::SUPPRESS;
use wasm_encoder::{EntityType, ExportKind, GlobalType, ImportSection, MemoryType, ValType};

/// An import of a boundary module: (module, name, kind).
pub type Import = (String, String, ExportKind);

/// The boundary module's imports as they are added.
#[derive(Default)]
pub(super) struct Imports {
    pub section: ImportSection,
    funcs: Vec<(String, String)>,
    /// The `meld:suppress` global, once imported (global 0).
    suppress: Option<u32>,
    /// The export's memory, once imported (memory 0).
    memory: Option<String>,
}

impl Imports {
    /// The index of function import `module`.`name` of type `ty`.
    pub fn func(&mut self, module: &str, name: String, ty: u32) -> u32 {
        if let Some(i) = self
            .funcs
            .iter()
            .position(|(m, f)| m == module && *f == name)
        {
            return i as u32;
        }
        self.section.import(module, &name, EntityType::Function(ty));
        self.funcs.push((module.to_string(), name));
        self.funcs.len() as u32 - 1
    }

    /// The number of functions imported.
    pub fn funcs(&self) -> u32 {
        self.funcs.len() as u32
    }

    /// The `meld:suppress` global (imported on first use).
    pub fn suppress(&mut self) -> u32 {
        *self.suppress.get_or_insert_with(|| {
            self.section.import(
                "fused",
                SUPPRESS,
                EntityType::Global(GlobalType {
                    val_type: ValType::I32,
                    mutable: true,
                    shared: false,
                }),
            );
            0
        })
    }

    /// The number of globals imported.
    pub fn globals(&self) -> u32 {
        u32::from(self.suppress.is_some())
    }

    /// Imports the fused module's memory `name` (once, as memory 0).
    pub fn memory(&mut self, name: &str) {
        assert!(self.memory.is_none(), "one memory import");
        self.section.import(
            "fused",
            name,
            EntityType::Memory(MemoryType {
                minimum: 0,
                maximum: None,
                memory64: false,
                shared: false,
                page_size_log2: None,
            }),
        );
        self.memory = Some(name.to_string());
    }

    /// The imports, in order, as (module, name, kind).
    pub fn listed(&self) -> Vec<Import> {
        let funcs = (self.funcs.iter()).map(|(m, n)| (m.clone(), n.clone(), ExportKind::Func));
        let suppress = (self.suppress.iter()).map(|_| {
            (
                "fused".to_string(),
                SUPPRESS.to_string(),
                ExportKind::Global,
            )
        });
        let memory =
            (self.memory.iter()).map(|m| ("fused".to_string(), m.clone(), ExportKind::Memory));
        funcs.chain(suppress).chain(memory).collect()
    }
}
