//! Host imports: a composition that imports a function at the root and an
//! interface with a string-taking function. The composed and the fused
//! (`--component`) forms run against the same host functions and must make
//! the same host calls; the core output keeps the imports under names that
//! identify interface and function.

use anyhow::{Result, ensure};
use libtest_mimic::Arguments;
use wasmtime::Store;
use wasmtime::component::{Component, Linker};

mod common;

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
        common::trial(
            "host_imports::fused_component_makes_the_same_calls",
            same_calls,
        ),
        common::trial(
            "host_imports::core_module_keeps_named_imports",
            core_imports,
        ),
        common::trial(
            "host_imports::start_function_calls_the_host",
            start_calls_host,
        ),
    ];
    libtest_mimic::run(&args, trials).exit();
}

/// Runs `component` with the host functions; returns the host calls made.
fn run(component: &[u8]) -> wasmtime::Result<Vec<String>> {
    let engine = common::engine()?;
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
    common::composed_and_fused(&composed, run, |calls| {
        ensure!(
            *calls == ["double(21)", "log(héllo)", "log(h)"],
            "made {calls:?}"
        );
        Ok(())
    })?;
    Ok(())
}

/// The composition with a core start function that calls both host
/// imports while the component is instantiated, before `run`.
fn with_start() -> String {
    COMPOSITION.replacen(
        r#"(func (export "run")"#,
        r#"(start $init)
      (func $init
        (call $log (i32.const 100) (i32.const 3))
        (drop (call $double (i32.const 5))))
      (func (export "run")"#,
        1,
    )
}

/// Instantiation-time calls reach the host in both forms, in order, before
/// the export's.
fn start_calls_host() -> Result<()> {
    let composed = wat::parse_str(with_start())?;
    common::composed_and_fused(&composed, run, |calls| {
        ensure!(
            *calls == ["log(hé)", "double(5)", "double(21)", "log(héllo)", "log(h)"],
            "made {calls:?}"
        );
        Ok(())
    })?;
    Ok(())
}

fn core_imports() -> Result<()> {
    let names = common::core_imports(&wat::parse_str(COMPOSITION)?)?;
    ensure!(
        names == ["$root double", "test:host/log log"],
        "imports are {names:?}"
    );
    Ok(())
}
