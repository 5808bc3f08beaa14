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
//! Handles anywhere inside the parameters and the result are converted
//! (`wrap::convert`): those in list elements, in parameters passed through
//! memory (more than 16 core values: the lift writes them as a tuple into
//! the export's memory, which belongs to the callee from then on) and in
//! results returned through memory in place in the export's memory, which
//! the module then also imports as `fused.<memory>` (memory 0). The
//! wrapper's borrows of host resources are saved on a stack in a memory the
//! module defines (see `wrap::saved`) and dropped after the call.

mod imports;

use super::abi;
use super::convert::Walker;
use super::saved::Saved;
use crate::plan::{Plan, RootExport, ValType};
use crate::runtime::resources::boundary::BoundaryFn;
use anyhow::{Result, bail};
use imports::Imports;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    ConstExpr, ExportKind, ExportSection, Function, FunctionSection, GlobalSection, GlobalType,
    InstructionSink, MemorySection, Module, TypeSection, ValType as CoreType,
};

/// An import of a boundary module: (module, name, kind).
pub type Import = (String, String, ExportKind);

/// The boundary module of one root export: imports the original as
/// `fused.f`, its post-return (when `post_return`) as `fused.post`, the
/// boundary functions as `fused.<name>`, the memory named `memory` (the
/// export's `memory` option, needed for handles in lists, in parameters and
/// results passed through memory, and beside saved borrows) as
/// `fused.<memory>`, the wrapper's built-ins as
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
    // Locals after the parameters: the results, `tmp`, `handle`, the three
    // of the saved borrows, then the walker's.
    let (tmp, handle) = (n + nr, n + nr + 1);
    let spilled = abi::spilled(&export.ty.params);
    let flat: usize = export.ty.params.iter().map(|(_, t)| t.flat_len()).sum();
    let expected = if spilled { 1 } else { flat };
    if params.len() != expected || (spilled && params[0] != CoreType::I32) {
        bail!("the core signature does not match the flattened parameters");
    }
    let handles = || export.ty.params.iter().flat_map(|(_, t)| t.handles());
    // The stack of saved borrows is memory 1 when the export's memory is
    // imported (see below), else 0.
    let stack = u32::from(memory.is_some());
    let mut saved = Saved::new(stack, [n + nr + 2, n + nr + 3, n + nr + 4]);
    let host_borrows = handles().any(|h| matches!(h, ValType::Borrow(t) if host(*t)));
    let borrows = handles().any(|h| matches!(h, ValType::Borrow(_)));
    let mut w = Walker::new(n + nr + 5);
    if borrows {
        let enter = imps.func("fused", BoundaryFn::Enter.export_name(), 3);
        w.sink().call(enter);
    }
    if host_borrows {
        saved.enter(&mut w.sink());
    }
    {
        let mut lower = |ty: &ValType, s: &mut InstructionSink| match ty {
            // The host's handle, a handle of the wrapper's table, is the rep.
            ValType::Own(t) if host(*t) => {
                let lower = imps.func("fused", BoundaryFn::LowerOwn(*t).export_name(), 1);
                s.call(lower);
            }
            ValType::Borrow(t) if host(*t) => {
                saved.push(resource(*t), s);
                let lower = imps.func("fused", BoundaryFn::LowerBorrow(*t).export_name(), 1);
                s.call(lower);
            }
            ValType::Own(t) => {
                let rr = resource(*t);
                let rep = imps.func("wrapper", format!("rep{rr}"), 1);
                let drop = imps.func("wrapper", format!("drop{rr}"), 2);
                let lower = imps.func("fused", BoundaryFn::LowerOwn(*t).export_name(), 1);
                let global = imps.suppress();
                s.local_set(handle)
                    .local_get(handle)
                    .call(rep)
                    .local_set(tmp)
                    .i32_const(1)
                    .global_set(global)
                    .local_get(handle)
                    .call(drop)
                    .local_get(tmp)
                    .call(lower);
            }
            ValType::Borrow(t) => {
                let lower = imps.func("fused", BoundaryFn::LowerBorrow(*t).export_name(), 1);
                s.call(lower);
            }
            _ => unreachable!("the walker converts handles only"),
        };
        // Spilled parameters were written by the lift into the callee's
        // memory: they are converted in place there.
        w.params(&export.ty.params, &mut lower);
    }
    assert_eq!(
        saved.used(),
        host_borrows,
        "a host borrow is saved iff there is one"
    );
    if host_borrows {
        saved.publish(&mut w.sink());
    }
    {
        let s = &mut w.sink();
        for i in 0..n {
            s.local_get(i);
        }
        s.call(original);
        for i in (0..nr).rev() {
            s.local_set(n + i);
        }
        if post_return {
            let base = imps.globals();
            for i in 0..nr {
                s.local_get(n + i).global_set(base + i);
            }
        }
        if borrows {
            let exit = imps.func("fused", BoundaryFn::Exit.export_name(), 3);
            s.call(exit);
        }
        // The wrapper's borrows of host resources end with the call.
        if host_borrows {
            saved.release(s, |r| imps.func("wrapper", format!("drop{r}"), 2));
        }
    }
    if let Some(ty) = &export.ty.result {
        let mut lift = |ty: &ValType, s: &mut InstructionSink| {
            let ValType::Own(t) = ty else {
                unreachable!("resources::check: results hold own handles only")
            };
            let lift = imps.func("fused", BoundaryFn::LiftOwn(*t).export_name(), 1);
            s.call(lift);
            // A host resource's rep is already the wrapper's own handle.
            if !host(*t) {
                let new = imps.func("wrapper", format!("new{}", resource(*t)), 1);
                s.call(new);
            }
        };
        if ty.flat_len() <= 1 {
            w.flat(ty, n, &mut lift);
        } else {
            w.mem(ty, n, 0, &mut lift);
        }
    }
    {
        let s = &mut w.sink();
        for i in 0..nr {
            s.local_get(n + i);
        }
        s.end();
    }
    if w.uses_memory && memory.is_none() {
        bail!("handles in memory without a `memory` option");
    }
    // The export's memory is memory 0 when imported; the saved borrows'
    // stack (defined) follows it.
    if let Some(memory) = memory.filter(|_| w.uses_memory || host_borrows) {
        imps.memory(memory);
    }
    let locals: Vec<(u32, CoreType)> = results
        .iter()
        .map(|t| (1, *t))
        .chain([(5 + w.added, CoreType::I32)])
        .collect();
    let body = w.finish(locals);

    let post = post_return.then(|| imps.func("fused", "post".to_string(), 4));
    let count = imps.funcs();
    let mut fs = FunctionSection::new();
    fs.function(0);
    let mut exports = ExportSection::new();
    exports.export("f", ExportKind::Func, count);
    let mut code = wasm_encoder::CodeSection::new();
    code.function(&body);
    let mut memories = MemorySection::new();
    if host_borrows {
        memories.memory(Saved::memory_type());
    }
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
            s.global_get(imps.globals() + i as u32);
        }
        s.call(post).end();
        code.function(&f);
    }
    let mut module = Module::new();
    module
        .section(&types)
        .section(&imps.section)
        .section(&fs)
        .section(&memories)
        .section(&globals)
        .section(&exports)
        .section(&code);
    Ok((module, imps.listed()))
}
