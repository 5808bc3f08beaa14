//! Re-importing host functions and instantiating the fused module with them.
//!
//! A lowered host function needs the fused module's memory and realloc,
//! which exist only once the fused module is instantiated, so the usual
//! indirection is used (as wit-component does): a shim module exports one
//! `call_indirect` trampoline per import through a table; the fused module is
//! instantiated against the trampolines; the host functions are lowered with
//! the fused instance's memories and reallocs; a fix-up module fills the
//! table and then, from its own start function, runs the fused module's
//! instantiation-time work (exported as [`crate::merge::START`]), which may
//! call host imports through the table.
//!
//! The host's `resource.drop`s of resources imported from the host are
//! satisfied the same way, with `canon resource.drop` of the re-imported
//! resource type (see [`super::host`]).

use super::host::{self, Need};
use super::options::options;
use super::types::TypeEncoder;
use crate::merge::CoreExports;
use crate::plan::Plan;
use anyhow::{Context, Result};
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    CanonicalOption, ComponentBuilder, ElementSection, Elements, EntityType, ExportKind,
    ExportSection, Function, FunctionSection, ImportSection, Instruction, Module, ModuleArg,
    RefType, TableSection, TableType, TypeSection,
};

/// One fused-module import to satisfy.
struct Needed<'a> {
    what: Need,
    module: &'a str,
    name: &'a str,
    core_ty: wasmparser::FuncType,
}

/// Imports the host functions `plan` lowers, instantiates the fused module
/// (`module`, bytes `core`) and returns its core instance index.
pub fn instantiate(
    b: &mut ComponentBuilder,
    types: &mut TypeEncoder,
    plan: &Plan,
    exports: &CoreExports,
    module: u32,
    core: &[u8],
) -> Result<u32> {
    let needed = needed(exports, core)?;
    let needs: Vec<Need> = needed.iter().map(|n| n.what).collect();
    let funcs = host::import(b, types, plan, &needs)?;
    if needed.is_empty() {
        let fused = b.core_instantiate(Some("fused"), module, []);
        let start = b.core_alias_export(None, fused, crate::merge::START, ExportKind::Func);
        let args = b.core_instantiate_exports(None, [("start", ExportKind::Func, start)]);
        let fixup_module = b.core_module(Some("fixup"), &fixup(&[])?);
        b.core_instantiate(
            Some("fixup"),
            fixup_module,
            [("", ModuleArg::Instance(args))],
        );
        return Ok(fused);
    }

    let shim_module = b.core_module(Some("shim"), &shim(&needed)?);
    let shim = b.core_instantiate(Some("shim"), shim_module, []);
    let mut args: Vec<(&str, u32)> = Vec::new();
    let mut groups: Vec<(&str, Vec<(&str, u32)>)> = Vec::new();
    for (i, n) in needed.iter().enumerate() {
        let f = b.core_alias_export(None, shim, &i.to_string(), ExportKind::Func);
        match groups.iter_mut().find(|(m, _)| *m == n.module) {
            Some((_, items)) => items.push((n.name, f)),
            None => groups.push((n.module, vec![(n.name, f)])),
        }
    }
    for (module_name, items) in &groups {
        let items = items
            .iter()
            .map(|(name, f)| (*name, ExportKind::Func, *f))
            .collect::<Vec<_>>();
        args.push((module_name, b.core_instantiate_exports(None, items)));
    }
    let fused = b.core_instantiate(
        Some("fused"),
        module,
        args.iter().map(|(m, i)| (*m, ModuleArg::Instance(*i))),
    );

    let table = b.core_alias_export(None, shim, "$imports", ExportKind::Table);
    let mut fixup_args = vec![("$imports".to_string(), ExportKind::Table, table)];
    for (i, (n, func)) in needed.iter().zip(&funcs).enumerate() {
        let core = match n.what {
            Need::Func(h) => {
                let mut opts = options(b, fused, exports, &plan.host_imports[h].options);
                // `--memory single`: the host's allocations go to the
                // caller's realloc through one dispatching realloc.
                if let Some(name) = &exports.import_realloc {
                    for o in &mut opts {
                        if let CanonicalOption::Realloc(f) = o {
                            *f = b.core_alias_export(None, fused, name, ExportKind::Func);
                        }
                    }
                }
                b.lower_func(None, *func, opts)
            }
            Need::Drop(_) => b.resource_drop(*func),
        };
        fixup_args.push((i.to_string(), ExportKind::Func, core));
    }
    let start = b.core_alias_export(None, fused, crate::merge::START, ExportKind::Func);
    fixup_args.push(("start".to_string(), ExportKind::Func, start));
    let fixup_module = b.core_module(Some("fixup"), &fixup(&needed)?);
    let fixup_instance = b.core_instantiate_exports(
        None,
        fixup_args
            .iter()
            .map(|(n, k, i)| (n.as_str(), *k, *i))
            .collect::<Vec<_>>(),
    );
    b.core_instantiate(
        Some("fixup"),
        fixup_module,
        [("", ModuleArg::Instance(fixup_instance))],
    );
    Ok(fused)
}

/// The fused module's imports, in order, with the host import each lowers.
fn needed<'a>(exports: &'a CoreExports, core: &[u8]) -> Result<Vec<Needed<'a>>> {
    let mut core_types = Vec::new();
    let mut imports = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(core) {
        match payload? {
            wasmparser::Payload::TypeSection(r) => {
                for ty in r.into_iter_err_on_gc_types() {
                    core_types.push(ty?);
                }
            }
            wasmparser::Payload::ImportSection(r) => {
                for import in r.into_imports() {
                    let import = import?;
                    let wasmparser::TypeRef::Func(t) = import.ty else {
                        continue;
                    };
                    imports.push((import.module.to_string(), import.name.to_string(), t));
                }
            }
            _ => {}
        }
    }
    let named = |list: &'a [Option<(String, String)>], module: &str, name: &str| {
        list.iter().enumerate().find_map(|(i, names)| {
            let (m, n) = names.as_ref().filter(|(m, n)| *m == module && *n == name)?;
            Some((i, m.as_str(), n.as_str()))
        })
    };
    imports
        .into_iter()
        .map(|(module, name, t)| {
            let (what, m, n) = match named(&exports.imports, &module, &name) {
                Some((h, m, n)) => (Need::Func(h), m, n),
                None => named(&exports.resource_drops, &module, &name)
                    .map(|(r, m, n)| (Need::Drop(r), m, n))
                    .with_context(|| {
                        format!("fused import `{module}` `{name}` is not a host import")
                    })?,
            };
            let core_ty = core_types
                .get(t as usize)
                .cloned()
                .context("fused import type")?;
            Ok(Needed {
                what,
                module: m,
                name: n,
                core_ty,
            })
        })
        .collect()
}

/// The shim: a table of the lowered functions and one exported trampoline
/// per import (export `"<i>"`), plus the table (export `"$imports"`).
fn shim(needed: &[Needed]) -> Result<Module> {
    let mut types = TypeSection::new();
    let mut funcs = FunctionSection::new();
    let mut exports = ExportSection::new();
    let mut code = wasm_encoder::CodeSection::new();
    let mut tables = TableSection::new();
    let n = needed.len() as u64;
    tables.table(TableType {
        element_type: RefType::FUNCREF,
        minimum: n,
        maximum: Some(n),
        table64: false,
        shared: false,
    });
    for (i, need) in needed.iter().enumerate() {
        func_type(&mut types, &need.core_ty)?;
        funcs.function(i as u32);
        let mut f = Function::new([]);
        for p in 0..need.core_ty.params().len() {
            f.instruction(&Instruction::LocalGet(p as u32));
        }
        f.instruction(&Instruction::I32Const(i as i32));
        f.instruction(&Instruction::CallIndirect {
            type_index: i as u32,
            table_index: 0,
        });
        f.instruction(&Instruction::End);
        code.function(&f);
        exports.export(&i.to_string(), ExportKind::Func, i as u32);
    }
    exports.export("$imports", ExportKind::Table, 0);
    let mut module = Module::new();
    module
        .section(&types)
        .section(&funcs)
        .section(&tables)
        .section(&exports)
        .section(&code);
    Ok(module)
}

/// The fix-up: imports the table (when there are imports to link), the
/// lowered functions and the fused module's start function; fills the table
/// with the lowered functions and then calls the start function from its
/// own start function.
fn fixup(needed: &[Needed]) -> Result<Module> {
    let mut types = TypeSection::new();
    let mut imports = ImportSection::new();
    let n = needed.len() as u64;
    if n > 0 {
        imports.import(
            "",
            "$imports",
            EntityType::Table(TableType {
                element_type: RefType::FUNCREF,
                minimum: n,
                maximum: Some(n),
                table64: false,
                shared: false,
            }),
        );
    }
    for (i, need) in needed.iter().enumerate() {
        func_type(&mut types, &need.core_ty)?;
        imports.import("", &i.to_string(), EntityType::Function(i as u32));
    }
    types.ty().function([], []);
    imports.import("", "start", EntityType::Function(needed.len() as u32));
    let mut module = Module::new();
    module.section(&types).section(&imports);
    module.section(&wasm_encoder::StartSection {
        function_index: needed.len() as u32,
    });
    if n > 0 {
        let mut elems = ElementSection::new();
        let funcs: Vec<u32> = (0..needed.len() as u32).collect();
        elems.active(
            Some(0),
            &wasm_encoder::ConstExpr::i32_const(0),
            Elements::Functions(funcs.into()),
        );
        module.section(&elems);
    }
    Ok(module)
}

fn func_type(types: &mut TypeSection, ty: &wasmparser::FuncType) -> Result<()> {
    let mut r = RoundtripReencoder;
    let params = ty
        .params()
        .iter()
        .map(|t| r.val_type(*t))
        .collect::<Result<Vec<_>, _>>()?;
    let results = ty
        .results()
        .iter()
        .map(|t| r.val_type(*t))
        .collect::<Result<Vec<_>, _>>()?;
    types.ty().function(params, results);
    Ok(())
}
