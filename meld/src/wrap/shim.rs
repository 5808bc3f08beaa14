//! The boundary module of a root export that passes handles: a core
//! module the wrapper instantiates between the fused instance and the
//! lift, converting each handle between the wrapper's canonical table and
//! the inner table (see [`crate::runtime::resources::boundary`]).
//!
//! Its imports: `fused.f` (the original core function), `fused.post` (its
//! post-return, if any), `fused.<name>` (the boundary functions, and the
//! `meld:suppress` global), and `wrapper.<op><resource>` (`new`/`rep`/`drop`
//! of the wrapper's resource types). Its exports: `f`, the function to lift
//! in place of the original, and `post`, the post-return to lift it with:
//! it calls the original post-return with the results the original
//! function returned (saved in globals), not the converted ones.
//!
//! Handles anywhere inside the parameters (passed flat) and the result are
//! converted (`wrap::convert`): those in list elements and in results
//! returned through memory in place in the export's memory, which the
//! module then also imports as `fused.<memory>`.

use super::convert::{Convert, Walker};
use super::resources;
use crate::plan::{Plan, RootExport, ValType};
use crate::runtime::resources::boundary::{BoundaryFn, SUPPRESS};
use anyhow::{Result, bail};
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    ConstExpr, EntityType, ExportKind, ExportSection, Function, FunctionSection, GlobalSection,
    GlobalType, ImportSection, Instruction as I, MemoryType, Module, TypeSection,
    ValType as CoreType,
};

/// An import of a boundary module: (module, name, kind).
pub type Import = (String, String, ExportKind);

/// The boundary module's imports as they are added.
#[derive(Default)]
struct Imports {
    section: ImportSection,
    funcs: Vec<(String, String)>,
    /// The `meld:suppress` global, once imported (global 0).
    suppress: Option<u32>,
}

impl Imports {
    /// The index of function import `module`.`name` of type `ty`.
    fn func(&mut self, module: &str, name: String, ty: u32) -> u32 {
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

    fn suppress(&mut self) -> u32 {
        *self.suppress.get_or_insert_with(|| {
            self.section.import(
                "fused",
                SUPPRESS,
                EntityType::Global(GlobalType {
                    val_type: CoreType::I32,
                    mutable: true,
                    shared: false,
                }),
            );
            0
        })
    }
}

/// The boundary module of one root export: imports the original as
/// `fused.f`, its post-return (when `post_return`) as `fused.post`, the
/// boundary functions as `fused.<name>`, the memory named `memory` (the
/// export's `memory` option, needed for handles in lists and in results
/// returned through memory) as `fused.<memory>`, the wrapper's built-ins as
/// `wrapper.<op><resource>`; exports the shim as `f` and, when
/// `post_return`, the post-return shim as `post`.
/// Returns the module and its imports as (module, name, kind).
pub fn module(
    plan: &Plan,
    export: &RootExport,
    core_ty: &wasmparser::FuncType,
    post_return: bool,
    memory: Option<&str>,
) -> Result<(Module, Vec<Import>)> {
    let mut r = RoundtripReencoder;
    let params = core_ty
        .params()
        .iter()
        .map(|t| r.val_type(*t))
        .collect::<Result<Vec<_>, _>>()?;
    let results = core_ty
        .results()
        .iter()
        .map(|t| r.val_type(*t))
        .collect::<Result<Vec<_>, _>>()?;
    let mut types = TypeSection::new();
    types.ty().function(params.clone(), results.clone()); // 0: the export
    types.ty().function([CoreType::I32], [CoreType::I32]); // 1
    types.ty().function([CoreType::I32], []); // 2
    types.ty().function([], []); // 3
    types.ty().function(results.clone(), []); // 4: the post-return
    let mut imps = Imports::default();
    let original = imps.func("fused", "f".to_string(), 0);
    let resource = |t: usize| plan.resource_tables[t].expect("checked").resource;
    let host = |t: usize| plan.resources[resource(t)].host.is_some();

    let n = params.len() as u32;
    let nr = results.len() as u32;
    // Locals after the parameters: the results, `tmp`, `handle`, the
    // borrows of host resources to drop after the call, then the walker's.
    let (tmp, handle) = (n + nr, n + nr + 1);
    let host_borrows = (export.ty.params.iter())
        .flat_map(|(_, t)| resources::flat_handles(t))
        .filter(|h| matches!(h, ValType::Borrow(t) if host(*t)))
        .count() as u32;
    let mut saved: Vec<(u32, usize)> = Vec::new();
    let mut w = Walker::new(n + nr + 2 + host_borrows);
    let at: u32 = export
        .ty
        .params
        .iter()
        .map(|(_, t)| flat_len(t) as u32)
        .sum();
    if at as usize != params.len() {
        bail!("the core signature does not match the flattened parameters");
    }
    let borrows = export
        .ty
        .params
        .iter()
        .any(|(_, t)| t.handles().iter().any(|h| matches!(h, ValType::Borrow(_))));
    if borrows {
        let enter = imps.func("fused", BoundaryFn::Enter.export_name(), 3);
        w.code.push(I::Call(enter));
    }
    {
        let mut lower = |ty: &ValType, code: &mut Vec<I<'static>>| match ty {
            // The host's handle, a handle of the wrapper's table, is the rep.
            ValType::Own(t) if host(*t) => {
                let lower = imps.func("fused", BoundaryFn::LowerOwn(*t).export_name(), 1);
                code.push(I::Call(lower));
            }
            ValType::Borrow(t) if host(*t) => {
                let local = n + nr + 2 + saved.len() as u32;
                saved.push((local, resource(*t)));
                let lower = imps.func("fused", BoundaryFn::LowerBorrow(*t).export_name(), 1);
                code.extend([I::LocalTee(local), I::Call(lower)]);
            }
            ValType::Own(t) => {
                let rr = resource(*t);
                let rep = imps.func("wrapper", format!("rep{rr}"), 1);
                let drop = imps.func("wrapper", format!("drop{rr}"), 2);
                let lower = imps.func("fused", BoundaryFn::LowerOwn(*t).export_name(), 1);
                let global = imps.suppress();
                code.extend([
                    I::LocalSet(handle),
                    I::LocalGet(handle),
                    I::Call(rep),
                    I::LocalSet(tmp),
                    I::I32Const(1),
                    I::GlobalSet(global),
                    I::LocalGet(handle),
                    I::Call(drop),
                    I::LocalGet(tmp),
                    I::Call(lower),
                ]);
            }
            ValType::Borrow(t) => {
                let lower = imps.func("fused", BoundaryFn::LowerBorrow(*t).export_name(), 1);
                code.push(I::Call(lower));
            }
            _ => unreachable!("the walker converts handles only"),
        };
        let mut k = 0;
        for (_, ty) in &export.ty.params {
            w.flat(ty, k, &mut lower as &mut Convert)?;
            k += flat_len(ty) as u32;
        }
    }
    w.code.extend((0..n).map(I::LocalGet));
    w.code.push(I::Call(original));
    w.code.extend((0..nr).rev().map(|i| I::LocalSet(n + i)));
    if post_return {
        let base = u32::from(imps.suppress.is_some()); // the imported global
        for i in 0..nr {
            w.code.extend([I::LocalGet(n + i), I::GlobalSet(base + i)]);
        }
    }
    if borrows {
        let exit = imps.func("fused", BoundaryFn::Exit.export_name(), 3);
        w.code.push(I::Call(exit));
    }
    // The wrapper's borrows of host resources end with the call (0: a
    // variant case not taken; handles start at 1).
    for &(local, r) in &saved {
        let drop = imps.func("wrapper", format!("drop{r}"), 2);
        w.code.extend([
            I::LocalGet(local),
            I::If(wasm_encoder::BlockType::Empty),
            I::LocalGet(local),
            I::Call(drop),
            I::End,
        ]);
    }
    if let Some(ty) = &export.ty.result {
        let mut lift = |ty: &ValType, code: &mut Vec<I<'static>>| {
            let ValType::Own(t) = ty else {
                unreachable!("resources::check: results hold own handles only")
            };
            let lift = imps.func("fused", BoundaryFn::LiftOwn(*t).export_name(), 1);
            code.push(I::Call(lift));
            // A host resource's rep is already the wrapper's own handle.
            if !host(*t) {
                let new = imps.func("wrapper", format!("new{}", resource(*t)), 1);
                code.push(I::Call(new));
            }
        };
        if flat_len(ty) <= 1 {
            w.flat(ty, n, &mut lift as &mut Convert)?;
        } else {
            w.mem(ty, n, 0, &mut lift as &mut Convert)?;
        }
    }
    w.code.extend((0..nr).map(|i| I::LocalGet(n + i)));
    w.code.push(I::End);
    if w.uses_memory {
        let Some(memory) = memory else {
            bail!("handles in memory without a `memory` option");
        };
        imps.section.import(
            "fused",
            memory,
            EntityType::Memory(MemoryType {
                minimum: 0,
                maximum: None,
                memory64: false,
                shared: false,
                page_size_log2: None,
            }),
        );
    }
    let locals: Vec<(u32, CoreType)> = results
        .iter()
        .map(|t| (1, *t))
        .chain([(2 + host_borrows + w.added, CoreType::I32)])
        .collect();
    let mut body = Function::new(locals);
    for i in &w.code {
        body.instruction(i);
    }

    let post = post_return.then(|| imps.func("fused", "post".to_string(), 4));
    let count = imps.funcs.len() as u32;
    let mut listed: Vec<Import> = Vec::new();
    listed.extend(
        imps.funcs
            .iter()
            .map(|(m, n)| (m.clone(), n.clone(), ExportKind::Func)),
    );
    if imps.suppress.is_some() {
        listed.push((
            "fused".to_string(),
            SUPPRESS.to_string(),
            ExportKind::Global,
        ));
    }
    if let (true, Some(memory)) = (w.uses_memory, memory) {
        listed.push(("fused".to_string(), memory.to_string(), ExportKind::Memory));
    }
    let mut fs = FunctionSection::new();
    fs.function(0);
    let mut exports = ExportSection::new();
    exports.export("f", ExportKind::Func, count);
    let mut code = wasm_encoder::CodeSection::new();
    code.function(&body);
    let mut globals = GlobalSection::new();
    if let Some(post) = post {
        fs.function(4);
        exports.export("post", ExportKind::Func, count + 1);
        let mut f = Function::new([]);
        let s = &mut f.instructions();
        for (i, ty) in results.iter().enumerate() {
            let init = match ty {
                CoreType::I64 => ConstExpr::i64_const(0),
                CoreType::F32 => ConstExpr::f32_const(0.0.into()),
                CoreType::F64 => ConstExpr::f64_const(0.0.into()),
                _ => ConstExpr::i32_const(0),
            };
            let ty = GlobalType {
                val_type: *ty,
                mutable: true,
                shared: false,
            };
            globals.global(ty, &init);
            s.global_get(u32::from(imps.suppress.is_some()) + i as u32);
        }
        s.call(post).end();
        code.function(&f);
    }
    let mut module = Module::new();
    module
        .section(&types)
        .section(&imps.section)
        .section(&fs)
        .section(&globals)
        .section(&exports)
        .section(&code);
    Ok((module, listed))
}

/// The number of core values `ty` flattens to (canonical ABI).
pub fn flat_len(ty: &ValType) -> usize {
    ty.flat_len()
}
