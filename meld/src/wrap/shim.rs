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

use crate::plan::{Plan, RootExport, ValType};
use crate::runtime::resources::boundary::{BoundaryFn, SUPPRESS};
use anyhow::{Result, bail};
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    ConstExpr, EntityType, ExportKind, ExportSection, Function, FunctionSection, GlobalSection,
    GlobalType, ImportSection, Module, TypeSection, ValType as CoreType,
};

/// An import of a boundary module: (module, name, kind).
pub type Import = (String, String, ExportKind);

/// The boundary module of one root export: imports the original as
/// `fused.f`, its post-return (when `post_return`) as `fused.post`, the
/// boundary functions as `fused.<name>`, the wrapper's built-ins as
/// `wrapper.<op><resource>`; exports the shim as `f` and, when
/// `post_return`, the post-return shim as `post`.
/// Returns the module and its imports as (module, name, kind).
pub fn module(
    plan: &Plan,
    export: &RootExport,
    core_ty: &wasmparser::FuncType,
    post_return: bool,
) -> Result<(Module, Vec<Import>)> {
    let mut listed: Vec<Import> = Vec::new();
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
    let mut imports = ImportSection::new();
    let mut funcs: Vec<(String, String)> = Vec::new();
    let mut func = |imports: &mut ImportSection, module: &str, name: String, ty: u32| {
        if let Some(i) = funcs.iter().position(|(m, f)| m == module && *f == name) {
            return i as u32;
        }
        imports.import(module, &name, EntityType::Function(ty));
        funcs.push((module.to_string(), name));
        funcs.len() as u32 - 1
    };
    let original = func(&mut imports, "fused", "f".to_string(), 0);
    let resource = |t: usize| plan.resource_tables[t].expect("checked").resource;

    let n = params.len() as u32;
    let locals: Vec<(u32, CoreType)> = results
        .iter()
        .map(|t| (1, *t))
        .chain([(1, CoreType::I32)])
        .collect();
    let mut body = Function::new(locals);
    let tmp = n + results.len() as u32;
    let mut offsets = Vec::new();
    let mut at = 0u32;
    for (_, ty) in &export.ty.params {
        offsets.push(at);
        at += flat_len(ty) as u32;
    }
    if at as usize != params.len() {
        bail!("the core signature does not match the flattened parameters");
    }
    let borrows = export
        .ty
        .params
        .iter()
        .any(|(_, t)| matches!(t, ValType::Borrow(_)));
    let mut suppress = None;
    if borrows {
        let enter = func(&mut imports, "fused", BoundaryFn::Enter.export_name(), 3);
        body.instructions().call(enter);
    }
    for ((_, ty), k) in export.ty.params.iter().zip(offsets) {
        match ty {
            ValType::Own(t) => {
                let rr = resource(*t);
                let rep = func(&mut imports, "wrapper", format!("rep{rr}"), 1);
                let drop = func(&mut imports, "wrapper", format!("drop{rr}"), 2);
                let lower = func(
                    &mut imports,
                    "fused",
                    BoundaryFn::LowerOwn(*t).export_name(),
                    1,
                );
                let global = *suppress.get_or_insert_with(|| {
                    imports.import(
                        "fused",
                        SUPPRESS,
                        EntityType::Global(GlobalType {
                            val_type: CoreType::I32,
                            mutable: true,
                            shared: false,
                        }),
                    );
                    0
                });
                let s = &mut body.instructions();
                s.local_get(k).call(rep).local_set(tmp);
                s.i32_const(1).global_set(global);
                s.local_get(k).call(drop);
                s.local_get(tmp).call(lower).local_set(k);
            }
            ValType::Borrow(t) => {
                let lower = func(
                    &mut imports,
                    "fused",
                    BoundaryFn::LowerBorrow(*t).export_name(),
                    1,
                );
                body.instructions().local_get(k).call(lower).local_set(k);
            }
            _ => {}
        }
    }
    {
        let s = &mut body.instructions();
        for k in 0..n {
            s.local_get(k);
        }
        s.call(original);
        for i in (0..results.len() as u32).rev() {
            s.local_set(n + i);
        }
        if post_return {
            let base = u32::from(suppress.is_some()); // the imported global
            for i in 0..results.len() as u32 {
                s.local_get(n + i).global_set(base + i);
            }
        }
    }
    if borrows {
        let exit = func(&mut imports, "fused", BoundaryFn::Exit.export_name(), 3);
        body.instructions().call(exit);
    }
    if let Some(ValType::Own(t)) = &export.ty.result {
        let lift = func(
            &mut imports,
            "fused",
            BoundaryFn::LiftOwn(*t).export_name(),
            1,
        );
        let new = func(&mut imports, "wrapper", format!("new{}", resource(*t)), 1);
        body.instructions()
            .local_get(n)
            .call(lift)
            .call(new)
            .local_set(n);
    }
    {
        let s = &mut body.instructions();
        for i in 0..results.len() as u32 {
            s.local_get(n + i);
        }
        s.end();
    }
    let post = post_return.then(|| func(&mut imports, "fused", "post".to_string(), 4));
    let count = funcs.len() as u32;
    listed.extend(funcs.into_iter().map(|(m, n)| (m, n, ExportKind::Func)));
    if suppress.is_some() {
        listed.push((
            "fused".to_string(),
            SUPPRESS.to_string(),
            ExportKind::Global,
        ));
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
            s.global_get(u32::from(suppress.is_some()) + i as u32);
        }
        s.call(post).end();
        code.function(&f);
    }
    let mut module = Module::new();
    module
        .section(&types)
        .section(&imports)
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
