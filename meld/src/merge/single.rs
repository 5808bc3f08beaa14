//! The fused module's boundary under `--memory single`, before the memories
//! are lowered into one ([`crate::single`]).
//!
//! Lowering gives each memory a region of the one memory and rebases every
//! access, so inside the module every address stays region-relative, as the
//! instance's code computed it. The host, which sees the one memory, needs
//! absolute addresses. This module converts them where they cross:
//!
//! - one mutable `i32` global per fused memory holds its region's base
//!   (`0` until lowering maintains it);
//! - a root export passing addresses (of strings, lists, parameters or a
//!   result in memory: [`flat::passes_addresses`]) is exported through a wrapper
//!   that makes the host's addresses in the parameters relative (in place:
//!   the host wrote them into memory it allocated with `realloc`) and the
//!   callee's in the result absolute (in place in the callee's result area),
//!   returning the absolute result address; its post-return (always present
//!   for such an export) makes them relative again before the callee's own
//!   post-return, if any, runs;
//! - a `realloc` the host calls returns an absolute address (and takes one);
//! - host imports are converted by [`crate::runtime::resources::host_call`]
//!   with the base of the lowering's memory.
//!
//! Converting in place assumes no two addresses the walk visits share one
//! slot of memory (two lists sharing one array of strings): producers do
//! not emit that, and such a value is converted twice.

use super::copy::Sections;
use super::layout::Layout;
use super::names::Names;
use crate::abi::{Walker, flat, walk::Reloc};
use crate::plan::{ItemKind, Plan, RootExport, ValType};
use anyhow::{Context, Result, bail};
use wasm_encoder::{ConstExpr, Function, GlobalType, InstructionSink, ValType as CoreType};

/// The boundary's globals: one region base per fused memory, and the
/// realloc selector (which caller's realloc the host's allocations go to
/// while it runs a host import).
#[derive(Debug, Clone)]
pub struct Globals {
    /// Per fused memory: the global holding its region's base.
    pub bases: Vec<u32>,
    /// The realloc selector: a [`Plan::reallocs`] index.
    pub selector: u32,
}

impl Globals {
    /// Global indices after every other global of `layout`.
    pub fn new(layout: &Layout) -> Self {
        Globals {
            bases: (0..layout.memories).map(|k| layout.globals + k).collect(),
            selector: layout.globals + layout.memories,
        }
    }

    /// Adds the globals (after the resource machinery's).
    pub fn define(&self, s: &mut Sections, names: &mut Names) {
        let ty = GlobalType {
            val_type: CoreType::I32,
            mutable: true,
            shared: false,
        };
        for (k, &g) in self.bases.iter().enumerate() {
            s.globals.global(ty, &ConstExpr::i32_const(0));
            names.meld_global(g, &format!("region{k}.base"));
        }
        s.globals.global(ty, &ConstExpr::i32_const(-1));
        names.meld_global(self.selector, "import-realloc");
    }
}

/// The functions the boundary adds (after the start function), by what
/// they replace.
#[derive(Debug, Default)]
pub struct Wrappers {
    /// Per root export: the wrapper to export instead.
    pub roots: Vec<Option<u32>>,
    /// Per root export: the post-return to lift it with.
    pub post_returns: Vec<Option<u32>>,
    /// Per [`Plan::reallocs`] entry: the wrapper to export instead.
    pub reallocs: Vec<Option<u32>>,
    /// The realloc every root export's parameters are allocated with, when
    /// they all use one (wit-component's `cabi_realloc`).
    pub export_realloc: Option<u32>,
    /// The realloc the host allocates host imports' results with,
    /// dispatching on the selector (wit-component's `cabi_import_realloc`).
    pub import_realloc: Option<u32>,
}

/// Emits the wrappers; `memories` maps plan memories to fused ones.
pub fn wrappers(
    plan: &Plan,
    layout: &Layout,
    globals: &Globals,
    memories: &[u32],
    s: &mut Sections,
    names: &mut Names,
) -> Result<Wrappers> {
    let mut next = layout.start_func + 1;
    let mut out = Wrappers::default();
    let base_of = |m: usize| globals.bases[memories[m] as usize];
    for e in &plan.exports {
        let converted = (e.options.memory).filter(|_| flat::passes_addresses(&e.ty));
        let Some(m) = converted else {
            out.roots.push(None);
            out.post_returns.push(None);
            continue;
        };
        let callee = layout.resolve(&e.func, ItemKind::Func)?;
        let (params, results) = flat::lifted_signature(&e.ty);
        add(
            s,
            params,
            results.clone(),
            &root(e, callee, memories[m], base_of(m)),
        );
        names.meld(next, &format!("single:{}", e.name));
        out.roots.push(Some(next));
        next += 1;
        let post = match e.options.post_return {
            Some(p) => Some(layout.resolve(&plan.post_returns[p], ItemKind::Func)?),
            None => None,
        };
        if results.len() == 1 && e.ty.result.as_ref().is_some_and(|r| r.flat_len() > 1) {
            let body = post_return(e, post, memories[m], base_of(m));
            add(s, results, Vec::new(), &body);
            names.meld(next, &format!("single:post-return:{}", e.name));
            out.post_returns.push(Some(next));
            next += 1;
        } else {
            out.post_returns.push(None);
        }
    }
    for (r, def) in plan.reallocs.iter().enumerate() {
        let Some(m) = realloc_memory(plan, r)? else {
            out.reallocs.push(None);
            continue;
        };
        let i32s = vec![CoreType::I32; 4];
        let body = realloc(layout.resolve(def, ItemKind::Func)?, base_of(m));
        add(s, i32s, vec![CoreType::I32], &body);
        names.meld(next, &format!("single:realloc{r}"));
        out.reallocs.push(Some(next));
        next += 1;
    }
    let mut export_reallocs = plan.exports.iter().filter_map(|e| e.options.realloc);
    if let Some(r) = export_reallocs.next()
        && export_reallocs.all(|q| q == r)
    {
        out.export_realloc = out.reallocs[r];
    }
    let mut by_imports: Vec<(u32, u32)> = (plan.host_imports.iter())
        .filter_map(|h| h.options.realloc)
        .filter_map(|r| Some((r as u32, out.reallocs[r]?)))
        .collect();
    by_imports.sort();
    by_imports.dedup();
    if !by_imports.is_empty() {
        add(
            s,
            vec![CoreType::I32; 4],
            vec![CoreType::I32],
            &dispatch(&by_imports, globals.selector),
        );
        names.meld(next, "single:import-realloc");
        out.import_realloc = Some(next);
    }
    Ok(out)
}

/// The host imports' realloc: calls the wrapper (`reallocs`, by selector
/// value) the selector names; traps if it names none (the host allocates
/// only while a host import runs).
fn dispatch(reallocs: &[(u32, u32)], selector: u32) -> Function {
    let mut f = Function::new([]);
    let s = &mut f.instructions();
    for &(r, func) in reallocs {
        s.global_get(selector)
            .i32_const(r as i32)
            .i32_eq()
            .if_(wasm_encoder::BlockType::Empty)
            .local_get(0)
            .local_get(1)
            .local_get(2)
            .local_get(3)
            .call(func)
            .return_()
            .end();
    }
    s.unreachable().end();
    f
}

/// Appends a function of type `params -> results` (a new type).
fn add(s: &mut Sections, params: Vec<CoreType>, results: Vec<CoreType>, body: &Function) {
    s.types.ty().function(params, results);
    s.funcs.function(s.types.len() - 1);
    s.code.function(body);
}

/// The memory realloc `r` allocates in at the boundary (every lift and
/// lower naming it names one memory), `None` if no boundary function uses it.
fn realloc_memory(plan: &Plan, r: usize) -> Result<Option<usize>> {
    let options = (plan.exports.iter().map(|e| &e.options))
        .chain(plan.host_imports.iter().map(|h| &h.options));
    let mut found = None;
    for o in options.filter(|o| o.realloc == Some(r)) {
        let m = o.memory.context("a realloc option without a memory")?;
        match found {
            Some(f) if f != m => bail!(
                "--memory single: realloc {r} allocates in two memories ({f} and {m}), not supported"
            ),
            _ => found = Some(m),
        }
    }
    Ok(found)
}

/// Leaves a walk's handles as they are.
fn keep(_: &ValType, _: &mut InstructionSink) {}

/// A root export's wrapper: the host's addresses made relative, the
/// callee called, its result's made absolute.
fn root(e: &RootExport, callee: u32, memory: u32, base: u32) -> Function {
    let (params, results) = flat::lifted_signature(&e.ty);
    let n = params.len() as u32;
    let mut w = Walker::new(n + 1);
    w.memory = memory;
    w.reloc = Some(Reloc {
        base,
        to_absolute: false,
    });
    if flat::spilled(&e.ty.params) {
        w.sink()
            .local_get(0)
            .global_get(base)
            .i32_sub()
            .local_set(0);
    }
    w.params(&e.ty.params, &mut keep);
    for i in 0..n {
        w.sink().local_get(i);
    }
    w.sink().call(callee);
    if let Some(res) = e.ty.result.as_ref().filter(|r| r.flat_len() > 1) {
        debug_assert_eq!(results.len(), 1);
        w.reloc = Some(Reloc {
            base,
            to_absolute: true,
        });
        w.sink().local_set(n);
        w.mem(res, n, 0, &mut keep);
        w.sink().local_get(n).global_get(base).i32_add();
    }
    w.sink().end();
    let added = 1 + w.added;
    w.finish([(added, CoreType::I32)])
}

/// A root export's post-return: the result's addresses made relative
/// again, then the callee's post-return (`post`) called.
fn post_return(e: &RootExport, post: Option<u32>, memory: u32, base: u32) -> Function {
    let res = e.ty.result.as_ref().expect("a result through memory");
    let mut w = Walker::new(1);
    w.memory = memory;
    w.reloc = Some(Reloc {
        base,
        to_absolute: false,
    });
    w.sink()
        .local_get(0)
        .global_get(base)
        .i32_sub()
        .local_set(0);
    w.mem(res, 0, 0, &mut keep);
    if let Some(post) = post {
        w.sink().local_get(0).call(post);
    }
    w.sink().end();
    let added = w.added;
    w.finish([(added, CoreType::I32)])
}

/// A host-facing `realloc`: the old address made relative (0 stays 0),
/// the new one absolute.
fn realloc(callee: u32, base: u32) -> Function {
    let mut f = Function::new([]);
    let s = &mut f.instructions();
    s.local_get(0)
        .global_get(base)
        .i32_sub()
        .i32_const(0)
        .local_get(0)
        .select()
        .local_get(1)
        .local_get(2)
        .local_get(3)
        .call(callee)
        .global_get(base)
        .i32_add()
        .end();
    f
}
