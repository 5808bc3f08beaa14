//! Scaffolding shared by meld's test binaries: assembling a WAT input and
//! running a composition and its fused `--component` form through the same
//! driver, requiring identical observations. Also: a libtest-mimic trial
//! that prints a failure's whole error chain, a component instantiated
//! without imports whose exports can be listed and called by name, and the
//! imports of meld's core-module output; and the host resource `file`
//! ([`files`]).

#![allow(dead_code)]

pub mod files;
pub mod wasi;

use anyhow::{Context, Result, ensure};
use libtest_mimic::{Failed, Trial};
use std::fmt::Debug;
use std::path::Path;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, Instance, Linker, Val};
use wasmtime::{Config, Engine, Store};

/// The engine every test uses: component model and multi-memory on (fused
/// modules keep one memory per original instance).
pub fn engine() -> wasmtime::Result<Engine> {
    let mut config = Config::new();
    config.wasm_component_model(true).wasm_multi_memory(true);
    Engine::new(&config)
}

/// Assembles `meld/tests/<dir>/<file>` (component text format).
pub fn assemble(dir: &str, file: &str) -> Result<Vec<u8>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(dir)
        .join(file);
    wat::parse_file(&path).with_context(|| format!("assembling {}", path.display()))
}

/// Runs `drive` on the composition, lets `check` confirm the composition
/// itself behaved as the test planned, fuses it with `--component` in both
/// memory modes (`--memory multi`, the default, and `--memory single`),
/// runs `drive` on each result and requires the same observations. Returns
/// them.
pub fn composed_and_fused<T: PartialEq + Debug>(
    composed: &[u8],
    drive: impl Fn(&[u8]) -> wasmtime::Result<T>,
    check: impl FnOnce(&T) -> Result<()>,
) -> Result<T> {
    let expected = drive(composed)
        .map_err(anyhow::Error::from)
        .context("the composed component")?;
    check(&expected).context("the composition itself did not run as the test planned")?;
    for memory in [meld::merge::Memory::Multi, meld::merge::Memory::Single] {
        let fused = fuse_with(composed, memory)?;
        let results = drive(&fused)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("the fused component ({memory:?} memory)"))?;
        ensure!(
            results == expected,
            "fused ({memory:?} memory):\n{results:#?}\ncomposed:\n{expected:#?}"
        );
    }
    Ok(expected)
}

/// Fuses `composed` with `--component` (and the default `--memory
/// multi`); on failure the error carries meld's plan for the input.
pub fn fuse(composed: &[u8]) -> Result<Vec<u8>> {
    fuse_with(composed, meld::merge::Memory::Multi)
}

/// [`fuse`] with the memory mode `memory`.
pub fn fuse_with(composed: &[u8], memory: meld::merge::Memory) -> Result<Vec<u8>> {
    let fused = meld::Fuser::new()
        .component(true)
        .memory(memory)
        .fuse(composed)
        .with_context(|| {
            format!(
                "fusing ({memory:?} memory); plan:\n{}",
                meld::inspect(composed)
                    .map(|p| p.to_string())
                    .unwrap_or_default()
            )
        })?;
    Ok(fused.bytes)
}

/// Fuses `composed` into a core module (meld's default output) and returns
/// the module's imports as `module name`, in order.
pub fn core_imports(composed: &[u8]) -> Result<Vec<String>> {
    let fused = meld::Fuser::new().fuse(composed)?;
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&fused.bytes) {
        if let wasmparser::Payload::ImportSection(r) = payload? {
            for import in r.into_imports() {
                let import = import?;
                names.push(format!("{} {}", import.module, import.name));
            }
        }
    }
    Ok(names)
}

/// A libtest-mimic trial named `name` running `test`; a failure prints the
/// whole error chain.
pub fn trial(name: impl Into<String>, test: impl FnOnce() -> Result<()> + Send + 'static) -> Trial {
    Trial::test(name, move || {
        test().map_err(|e| Failed::from(format!("{e:?}")))
    })
}

/// A component compiled with [`engine`] and instantiated with no imports.
pub struct Instantiated {
    /// The store the instance lives in.
    pub store: Store<()>,
    /// The instance.
    pub instance: Instance,
    /// The names the component exports, in its order: each root export,
    /// and after an exported instance the names inside it as
    /// `instance#name`.
    pub exports: Vec<String>,
}

impl Instantiated {
    /// Compiles and instantiates `component`.
    pub fn new(component: &[u8]) -> wasmtime::Result<Self> {
        let engine = engine()?;
        let component = Component::new(&engine, component)?;
        let mut exports = Vec::new();
        for (name, item) in component.component_type().exports(&engine) {
            exports.push(name.to_string());
            if let ComponentItem::ComponentInstance(i) = item.ty {
                exports.extend(i.exports(&engine).map(|(n, _)| format!("{name}#{n}")));
            }
        }
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &component)?;
        Ok(Self {
            store,
            instance,
            exports,
        })
    }

    /// Calls the function `name` exported inside the exported instance
    /// `scope` (`None`: at the root) with `params`; returns its result, an
    /// empty tuple for a function without one.
    pub fn call(
        &mut self,
        scope: Option<&str>,
        name: &str,
        params: &[Val],
    ) -> wasmtime::Result<Val> {
        let scope_index = match scope {
            Some(s) => Some(
                self.instance
                    .get_export_index(&mut self.store, None, s)
                    .ok_or_else(|| wasmtime::format_err!("no export {s}"))?,
            ),
            None => None,
        };
        let index = self
            .instance
            .get_export_index(&mut self.store, scope_index.as_ref(), name)
            .ok_or_else(|| wasmtime::format_err!("no export {name} in {scope:?}"))?;
        let func = self
            .instance
            .get_func(&mut self.store, index)
            .ok_or_else(|| wasmtime::format_err!("{name} is not a function"))?;
        let mut out = vec![Val::Bool(false); func.ty(&self.store).results().len()];
        func.call(&mut self.store, params, &mut out)?;
        Ok(out.pop().unwrap_or(Val::Tuple(Vec::new())))
    }

    /// Drops the own handle `handle` from the host.
    pub fn drop_handle(&mut self, handle: &Val) -> wasmtime::Result<()> {
        match handle {
            Val::Resource(r) => r.resource_drop(&mut self.store),
            other => wasmtime::bail!("not a handle: {other:?}"),
        }
    }
}

/// What each imported instance of `component` exports, as
/// `instance#name`, in order.
pub fn imported_instance_exports(component: &[u8]) -> Result<Vec<String>> {
    let engine = engine()?;
    let component = Component::new(&engine, component)?;
    let mut out = Vec::new();
    for (name, item) in component.component_type().imports(&engine) {
        if let ComponentItem::ComponentInstance(instance) = item.ty {
            out.extend(
                instance
                    .exports(&engine)
                    .map(|(e, _)| format!("{name}#{e}")),
            );
        }
    }
    Ok(out)
}

/// Checks that the fused form of `composed` imports its host instances
/// with names the input uses (no generated names), including `expected`.
pub fn same_import_names(composed: &[u8], expected: &[&str]) -> Result<()> {
    let before = imported_instance_exports(composed)?;
    let after = imported_instance_exports(&fuse(composed)?)?;
    for name in &after {
        ensure!(
            before.contains(name),
            "the fused form imports `{name}`, the input does not: {after:#?}"
        );
    }
    for name in expected {
        ensure!(
            after.iter().any(|n| n == name),
            "the fused form does not import `{name}`: {after:#?}"
        );
    }
    Ok(())
}
