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
//! ([`crate::abi::walk`]): those in list elements, in parameters passed through
//! memory (more than 16 core values: the lift writes them as a tuple into
//! the export's memory, which belongs to the callee from then on) and in
//! results returned through memory in place in the export's memory, which
//! the module then also imports as `fused.<memory>` (memory 0). The
//! wrapper's borrows of host resources are saved on a stack in a memory the
//! module defines (see `wrap::saved`) and dropped after the call.

mod imports;

use super::saved::Saved;
use crate::abi::{self, Walker};
use crate::plan::{Plan, RootExport, ValType};
use crate::runtime::resources::boundary::BoundaryFn;
use anyhow::{Result, bail};
pub use imports::Import;
use imports::Imports;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    ConstExpr, ExportKind, ExportSection, Function, FunctionSection, GlobalSection, GlobalType,
    InstructionSink, MemorySection, Module, TypeSection, ValType as CoreType,
};

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
    let (params, results) = core_signature(core_ty)?;
    let spilled = abi::spilled(&export.ty.params);
    let flat: usize = export.ty.params.iter().map(|(_, t)| t.flat_len()).sum();
    let expected = if spilled { 1 } else { flat };
    if params.len() != expected || (spilled && params[0] != CoreType::I32) {
        bail!("the core signature does not match the flattened parameters");
    }
    let mut shim = Shim::new(
        plan,
        export,
        params.len() as u32,
        results.len() as u32,
        memory,
    );
    let original = shim.imps.func("fused", "f".to_string(), 0);
    shim.lower_params();
    shim.call(original, post_return);
    shim.lift_result();
    shim.w.sink().end();
    if shim.w.uses_memory && memory.is_none() {
        bail!("handles in memory without a `memory` option");
    }
    // The export's memory is memory 0 when imported; the saved borrows'
    // stack (defined) follows it.
    if let Some(memory) = memory.filter(|_| shim.w.uses_memory || shim.host_borrows) {
        shim.imps.memory(memory);
    }
    let locals: Vec<(u32, CoreType)> = results
        .iter()
        .map(|t| (1, *t))
        .chain([(5 + shim.w.added, CoreType::I32)])
        .collect();
    let host_borrows = shim.host_borrows;
    let mut imps = shim.imps;
    let body = shim.w.finish(locals);
    let module = assemble(
        &mut imps,
        &params,
        &results,
        body,
        post_return,
        host_borrows,
    );
    Ok((module, imps.listed()))
}

/// The export's core parameter and result types, as wasm-encoder's.
fn core_signature(core_ty: &wasmparser::FuncType) -> Result<(Vec<CoreType>, Vec<CoreType>)> {
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
    Ok((params, results))
}

/// The shim function of one root export being emitted.
struct Shim<'a> {
    plan: &'a Plan<'a>,
    export: &'a RootExport,
    imps: Imports,
    w: Walker,
    saved: Saved,
    /// Core parameters and results.
    n: u32,
    nr: u32,
    /// Whether a borrow (of a host resource) is among the parameters.
    borrows: bool,
    host_borrows: bool,
}

impl<'a> Shim<'a> {
    /// Locals after the `n` parameters: the `nr` results, `tmp`, `handle`,
    /// the three of the saved borrows, then the walker's.
    fn new(plan: &'a Plan, export: &'a RootExport, n: u32, nr: u32, memory: Option<&str>) -> Self {
        let handles = || export.ty.params.iter().flat_map(|(_, t)| t.handles());
        let host = |t: usize| plan.resources[plan.resource_of(t)].host.is_some();
        // The stack of saved borrows is memory 1 when the export's memory
        // is imported (see `module`), else 0.
        let stack = u32::from(memory.is_some());
        Shim {
            plan,
            export,
            imps: Imports::default(),
            w: Walker::new(n + nr + 5),
            saved: Saved::new(stack, [n + nr + 2, n + nr + 3, n + nr + 4]),
            n,
            nr,
            borrows: handles().any(|h| matches!(h, ValType::Borrow(_))),
            host_borrows: handles().any(|h| matches!(h, ValType::Borrow(t) if host(*t))),
        }
    }

    /// Opens the call scope and converts every parameter handle from the
    /// wrapper's table to the inner one.
    fn lower_params(&mut self) {
        let (n, nr) = (self.n, self.nr);
        let (tmp, handle) = (n + nr, n + nr + 1);
        if self.borrows {
            let enter = self.imps.func("fused", BoundaryFn::Enter.export_name(), 3);
            self.w.sink().call(enter);
        }
        if self.host_borrows {
            self.saved.enter(&mut self.w.sink());
        }
        let (plan, imps, saved) = (self.plan, &mut self.imps, &mut self.saved);
        let host = |t: usize| plan.resources[plan.resource_of(t)].host.is_some();
        let mut lower = |ty: &ValType, s: &mut InstructionSink| match ty {
            // The host's handle, a handle of the wrapper's table, is the rep.
            ValType::Own(t) if host(*t) => {
                let lower = imps.func("fused", BoundaryFn::LowerOwn(*t).export_name(), 1);
                s.call(lower);
            }
            ValType::Borrow(t) if host(*t) => {
                saved.push(plan.resource_of(*t), s);
                let lower = imps.func("fused", BoundaryFn::LowerBorrow(*t).export_name(), 1);
                s.call(lower);
            }
            ValType::Own(t) => {
                let rr = plan.resource_of(*t);
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
        self.w.params(&self.export.ty.params, &mut lower);
        assert_eq!(
            self.saved.used(),
            self.host_borrows,
            "a host borrow is saved iff there is one"
        );
        if self.host_borrows {
            self.saved.publish(&mut self.w.sink());
        }
    }

    /// Calls the original, keeps its results in locals (and, for the
    /// post-return, in globals), closes the call scope and drops the
    /// wrapper's borrows of host resources, which end with the call.
    fn call(&mut self, original: u32, post_return: bool) {
        let (n, nr) = (self.n, self.nr);
        let s = &mut self.w.sink();
        for i in 0..n {
            s.local_get(i);
        }
        s.call(original);
        for i in (0..nr).rev() {
            s.local_set(n + i);
        }
        if post_return {
            let base = self.imps.globals();
            for i in 0..nr {
                s.local_get(n + i).global_set(base + i);
            }
        }
        if self.borrows {
            let exit = self.imps.func("fused", BoundaryFn::Exit.export_name(), 3);
            s.call(exit);
        }
        if self.host_borrows {
            let imps = &mut self.imps;
            self.saved
                .release(s, |r| imps.func("wrapper", format!("drop{r}"), 2));
        }
    }

    /// Converts every own handle in the result from the inner table to the
    /// wrapper's, and pushes the results.
    fn lift_result(&mut self) {
        let (n, nr) = (self.n, self.nr);
        if let Some(ty) = &self.export.ty.result {
            let (plan, imps) = (self.plan, &mut self.imps);
            let host = |t: usize| plan.resources[plan.resource_of(t)].host.is_some();
            let mut lift = |ty: &ValType, s: &mut InstructionSink| {
                let ValType::Own(t) = ty else {
                    unreachable!("resources::check: results hold own handles only")
                };
                let lift = imps.func("fused", BoundaryFn::LiftOwn(*t).export_name(), 1);
                s.call(lift);
                // A host resource's rep is already the wrapper's own handle.
                if !host(*t) {
                    let new = imps.func("wrapper", format!("new{}", plan.resource_of(*t)), 1);
                    s.call(new);
                }
            };
            if ty.flat_len() <= 1 {
                self.w.flat(ty, n, &mut lift);
            } else {
                self.w.mem(ty, n, 0, &mut lift);
            }
        }
        let s = &mut self.w.sink();
        for i in 0..nr {
            s.local_get(n + i);
        }
    }
}

/// The boundary module around the shim's `body`: its types, imports, the
/// saved borrows' memory, the post-return shim and its globals.
fn assemble(
    imps: &mut Imports,
    params: &[CoreType],
    results: &[CoreType],
    body: Function,
    post_return: bool,
    host_borrows: bool,
) -> Module {
    let mut types = TypeSection::new();
    types.ty().function(params.to_vec(), results.to_vec()); // 0: the export
    types.ty().function([CoreType::I32], [CoreType::I32]); // 1
    types.ty().function([CoreType::I32], []); // 2
    types.ty().function([], []); // 3
    types.ty().function(results.to_vec(), []); // 4: the post-return
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
        code.function(&post_return_shim(&mut globals, imps, results, post));
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
    module
}

/// The post-return shim: calls the original post-return `post` with the
/// results the original returned, saved in globals it defines here.
fn post_return_shim(
    globals: &mut GlobalSection,
    imps: &Imports,
    results: &[CoreType],
    post: u32,
) -> Function {
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
    f
}
