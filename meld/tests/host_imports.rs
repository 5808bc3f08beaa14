//! Host imports: a composition that imports a function at the root and an
//! interface with a string-taking function. The composed and the fused
//! (`--component`) forms run against the same host functions and must make
//! the same host calls; the core output keeps the imports under names that
//! identify interface and function.

use anyhow::{Context, Result, ensure};
use libtest_mimic::{Arguments, Failed, Trial};
use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Engine, Store};

const COMPOSITION: &str = r#"
(component
  (import "double" (func $double (param "x" u32) (result u32)))
  (import "test:host/log" (instance $log (export "log" (func (param "s" string)))))
  (component $runner
    (import "double" (func $double (param "x" u32) (result u32)))
    (import "log" (func $log (param "s" string)))
    (core module $libc
      (memory (export "mem") 1)
      (data (i32.const 100) "h\c3\a9llo")
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 2048)))
    (core instance $libc (instantiate $libc))
    (core func $double (canon lower (func $double)))
    (core func $log (canon lower (func $log) (memory $libc "mem") (realloc (func $libc "realloc"))))
    (core module $m
      (import "host" "double" (func $double (param i32) (result i32)))
      (import "host" "log" (func $log (param i32 i32)))
      (func (export "run")
        (if (i32.ne (call $double (i32.const 21)) (i32.const 42)) (then unreachable))
        (call $log (i32.const 100) (i32.const 6))
        (call $log (i32.const 100) (i32.const 1))))
    (core instance $i (instantiate $m
      (with "host" (instance (export "double" (func $double)) (export "log" (func $log))))))
    (func (export "run") (canon lift (core func $i "run"))))
  (instance $r (instantiate $runner (with "double" (func $double)) (with "log" (func $log "log"))))
  (export "run" (func $r "run")))
"#;

fn main() {
    let args = Arguments::from_args();
    let trials = vec![
        Trial::test("host_imports::fused_component_makes_the_same_calls", || {
            check(same_calls())
        }),
        Trial::test("host_imports::core_module_keeps_named_imports", || {
            check(core_imports())
        }),
    ];
    libtest_mimic::run(&args, trials).exit();
}

fn check(result: Result<()>) -> Result<(), Failed> {
    result.map_err(|e| format!("{e:?}").into())
}

/// Runs `component` with the host functions; returns the host calls made.
fn run(component: &[u8]) -> Result<Vec<String>> {
    run_in_wasmtime(component).map_err(anyhow::Error::from)
}

fn run_in_wasmtime(component: &[u8]) -> wasmtime::Result<Vec<String>> {
    let mut config = Config::new();
    config.wasm_component_model(true).wasm_multi_memory(true);
    let engine = Engine::new(&config)?;
    let component = Component::new(&engine, component)?;
    let mut linker = Linker::<Vec<String>>::new(&engine);
    linker.root().func_wrap("double", |mut cx, (x,): (u32,)| {
        cx.data_mut().push(format!("double({x})"));
        Ok((x * 2,))
    })?;
    linker
        .instance("test:host/log")?
        .func_wrap("log", |mut cx, (s,): (String,)| {
            cx.data_mut().push(format!("log({s})"));
            Ok(())
        })?;
    let mut store = Store::new(&engine, Vec::new());
    let instance = linker.instantiate(&mut store, &component)?;
    let run = instance.get_typed_func::<(), ()>(&mut store, "run")?;
    run.call(&mut store, ())?;
    Ok(store.into_data())
}

fn same_calls() -> Result<()> {
    let composed = wat::parse_str(COMPOSITION)?;
    let expected = run(&composed).context("running the composition")?;
    ensure!(
        expected == ["double(21)", "log(héllo)", "log(h)"],
        "the composition itself made {expected:?}"
    );
    let fused = meld::Fuser::new().component(true).fuse(&composed)?;
    let calls = run(&fused.bytes).context("running the fused component")?;
    ensure!(
        calls == expected,
        "fused made {calls:?}, composed made {expected:?}"
    );
    Ok(())
}

fn core_imports() -> Result<()> {
    let fused = meld::Fuser::new().fuse(&wat::parse_str(COMPOSITION)?)?;
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&fused.bytes) {
        if let wasmparser::Payload::ImportSection(r) = payload? {
            for import in r.into_imports() {
                let import = import?;
                names.push(format!("{}::{}", import.module, import.name));
            }
        }
    }
    ensure!(
        names == ["$root::double", "test:host/log::log"],
        "imports are {names:?}"
    );
    Ok(())
}
