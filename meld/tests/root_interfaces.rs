//! Instances (interfaces) exported at the root, driven from the host with
//! wasmtime's component API by name (`get_export_index` of the interface,
//! then of the function inside it): the composed and the fused
//! (`--component`) forms must give the same results, and the fused
//! component must export the same names, its interfaces too (functions,
//! resource types and value types under their original names).
//!
//! Cases, one file each under `tests/interfaces/`: `types.wat` (strings, a
//! record, an enum, flags), `two.wat` (two interfaces sharing a record,
//! plus a root function), `split.wat` (one interface whose functions come
//! from two inner components), `resource.wat` (a resource defined inside
//! the composition: constructor, method, own parameter, drop from the
//! host, destructor observed).

use anyhow::{Result, ensure};
use common::Instantiated as Run;
use libtest_mimic::Arguments;
use wasmtime::component::{ResourceAny, Val};

mod common;

/// A driver: calls into an instantiated component; returns what it saw.
type Driver = fn(&mut Run) -> wasmtime::Result<Vec<Val>>;

/// Cases: (test name, file under `tests/interfaces/`, driver).
const CASES: [(&str, &str, Driver); 4] = [
    ("root_interfaces::named_types", "types.wat", types),
    ("root_interfaces::two_interfaces", "two.wat", two),
    ("root_interfaces::from_two_components", "split.wat", split),
    ("root_interfaces::resource", "resource.wat", resource),
];

fn main() {
    let args = Arguments::from_args();
    let mut trials: Vec<_> = CASES
        .iter()
        .map(|&(name, file, driver)| common::trial(name, move || same_results(file, driver)))
        .collect();
    trials.push(common::trial(
        "root_interfaces::nested_instance_is_an_error",
        nested_instance,
    ));
    trials.push(common::trial(
        "root_interfaces::deterministic",
        deterministic,
    ));
    libtest_mimic::run(&args, trials).exit();
}

/// Fusing the same input again gives the same bytes, also for interfaces
/// with several exports (wasmtime-environ fills an exported instance's
/// map in hash order, which differs from one map to the next).
fn deterministic() -> Result<()> {
    for file in ["two.wat", "split.wat", "types.wat", "resource.wat"] {
        let composed = common::assemble("interfaces", file)?;
        let first = common::fuse(&composed)?;
        for _ in 0..8 {
            anyhow::ensure!(
                common::fuse(&composed)? == first,
                "{file}: two fusions differ"
            );
        }
    }
    Ok(())
}

/// An instance exported inside an exported instance is not supported: the
/// error names it.
fn nested_instance() -> Result<()> {
    let composed = wat::parse_str(
        r#"(component
            (core module $m (func (export "f") (result i32) (i32.const 1)))
            (core instance $i (instantiate $m))
            (func $f (result u32) (canon lift (core func $i "f")))
            (instance $inner (export "f" (func $f)))
            (instance $outer (export "inner" (instance $inner)))
            (export "my:pkg/api" (instance $outer)))"#,
    )?;
    let err = match meld::Fuser::new().component(true).fuse(&composed) {
        Ok(_) => anyhow::bail!("fusing succeeded"),
        Err(e) => format!("{e:#}"),
    };
    ensure!(
        err.contains("export `my:pkg/api#inner` is an instance inside an exported instance"),
        "unexpected error: {err}"
    );
    Ok(())
}

const API: Option<&str> = Some("my:pkg/api");

fn types(run: &mut Run) -> wasmtime::Result<Vec<Val>> {
    let point = |x, y| Val::Record(vec![("x".into(), Val::S32(x)), ("y".into(), Val::S32(y))]);
    let mut seen = vec![
        run.call(API, "echo", &[Val::String("hé ✓".into())])?,
        run.call(API, "classify", &[point(1, 2)])?,
        run.call(API, "classify", &[point(3, -2)])?,
        run.call(API, "flip", &[Val::Flags(vec!["read".into()])])?,
    ];
    // Typed access by name, as `bindgen!`-generated code does it.
    let api = run
        .instance
        .get_export_index(&mut run.store, None, "my:pkg/api");
    let echo = run
        .instance
        .get_export_index(&mut run.store, api.as_ref(), "echo")
        .ok_or_else(|| wasmtime::format_err!("no echo"))?;
    let echo = run
        .instance
        .get_typed_func::<(&str,), (String,)>(&mut run.store, &echo)?;
    seen.push(Val::String(echo.call(&mut run.store, ("typed",))?.0));
    Ok(seen)
}

fn two(run: &mut Run) -> wasmtime::Result<Vec<Val>> {
    let pair = |a, b| Val::Record(vec![("a".into(), Val::U32(a)), ("b".into(), Val::U32(b))]);
    Ok(vec![
        run.call(Some("my:pkg/a"), "get", &[])?,
        run.call(Some("my:pkg/a"), "sum", &[pair(3, 4)])?,
        run.call(Some("my:pkg/b"), "swap", &[pair(3, 4)])?,
        run.call(None, "version", &[])?,
        run.call(None, "first", &[pair(5, 6)])?,
    ])
}

fn split(run: &mut Run) -> wasmtime::Result<Vec<Val>> {
    Ok(vec![
        run.call(API, "one", &[])?,
        run.call(API, "eleven", &[])?,
        run.call(API, "echo", &[Val::String("two".into())])?,
    ])
}

fn resource(run: &mut Run) -> wasmtime::Result<Vec<Val>> {
    const RES: Option<&str> = Some("my:pkg/res");
    let mut seen = Vec::new();
    let a = run.call(RES, "[constructor]r", &[Val::U32(21)])?;
    let b = run.call(RES, "[constructor]r", &[Val::U32(5)])?;
    let Val::Resource(a_res) = a else {
        wasmtime::bail!("the constructor returned {a:?}")
    };
    seen.push(run.call(RES, "[method]r.get", &[Val::Resource(a_res)])?);
    seen.push(run.call(RES, "[method]r.get", std::slice::from_ref(&b))?);
    seen.push(run.call(RES, "dropped", &[])?);
    seen.push(run.call(RES, "[static]r.consume", &[b])?);
    seen.push(run.call(RES, "dropped", &[])?);
    ResourceAny::resource_drop(a_res, &mut run.store)?;
    seen.push(run.call(RES, "dropped", &[])?);
    Ok(seen)
}

/// The expected results of each case's driver on the composition itself.
fn expected(file: &str) -> Vec<Val> {
    let record = |fields: [(&str, u32); 2]| {
        Val::Record(
            fields
                .iter()
                .map(|(n, v)| (n.to_string(), Val::U32(*v)))
                .collect(),
        )
    };
    match file {
        "types.wat" => vec![
            Val::String("hé ✓".into()),
            Val::Enum("red".into()),
            Val::Enum("green".into()),
            Val::Flags(vec!["write".into()]),
            Val::String("typed".into()),
        ],
        "two.wat" => vec![
            Val::U32(7),
            Val::U32(7),
            record([("a", 4), ("b", 3)]),
            Val::U32(2),
            Val::U32(5),
        ],
        "split.wat" => vec![Val::U32(1), Val::U32(11), Val::String("two".into())],
        "resource.wat" => [42, 10, 0, 10, 1, 2].map(Val::U32).to_vec(),
        other => panic!("no expected results for {other}"),
    }
}

/// Runs `driver` on the composition and on its fused form, which must see
/// the same; then requires the fused component to export what the
/// composition exports.
fn same_results(file: &str, driver: Driver) -> Result<()> {
    let composed = common::assemble("interfaces", file)?;
    let drive = |bytes: &[u8]| driver(&mut Run::new(bytes)?);
    common::composed_and_fused(&composed, drive, |seen| {
        ensure!(*seen == expected(file), "returned {seen:?}");
        Ok(())
    })?;
    let exports = |bytes: &[u8]| -> Result<Vec<String>> {
        let mut names = Run::new(bytes).map_err(anyhow::Error::from)?.exports;
        names.sort();
        Ok(names)
    };
    let mut want = exports(&composed)?;
    // Types the input names only inside an interface are exported at the
    // root too when a root function uses them.
    if file == "two.wat" {
        want.push("pair".to_string());
        want.sort();
    }
    let names = exports(&common::fuse(&composed)?)?;
    ensure!(
        names == want,
        "the fused component exports {names:?}, the composed one (with what the fused one adds) {want:?}"
    );
    Ok(())
}
