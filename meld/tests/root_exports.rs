//! Root exports other than `run: func()`: a string echo lifted with memory,
//! realloc and a post-return function, and a function taking a record and
//! returning an enum (named types). The composed and the fused
//! (`--component`) forms are called with the same arguments under wasmtime
//! and must return the same values, and post-return must have run as often;
//! the fused component must export the same names in the same order.

use anyhow::{Result, ensure};
use libtest_mimic::Arguments;
use wasmtime::component::Val;

mod common;

const COMPOSITION: &str = r#"
(component
    (core module $m
      (memory (export "mem") 1)
      (global $heap (mut i32) (i32.const 4096))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $r i32)
        (local.set $r (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get 2))))
        (global.set $heap (i32.add (local.get $r) (local.get 3)))
        (local.get $r))
      (func (export "echo") (param i32 i32) (result i32)
        (i32.store (i32.const 16) (local.get 0))
        (i32.store (i32.const 20) (local.get 1))
        (i32.const 16))
      (func (export "echo-post") (param i32)
        (i32.store (i32.const 8) (i32.add (i32.load (i32.const 8)) (i32.const 1))))
      (func (export "post-count") (result i32) (i32.load (i32.const 8)))
      (func (export "classify") (param i32 i32) (result i32)
        (i32.gt_s (local.get 0) (local.get 1))))
    (core instance $i (instantiate $m))
    (type $point (record (field "x" s32) (field "y" s32)))
    (export $point-e "point" (type $point))
    (type $color (enum "red" "green"))
    (export $color-e "color" (type $color))
    (func (export "echo") (param "s" string) (result string)
      (canon lift (core func $i "echo") (memory $i "mem") (realloc (func $i "realloc"))
        (post-return (func $i "echo-post"))))
    (func (export "post-count") (result u32) (canon lift (core func $i "post-count")))
    (func (export "classify") (param "p" $point-e) (result $color-e) (canon lift (core func $i "classify"))))
"#;

fn main() {
    let args = Arguments::from_args();
    let trials = vec![common::trial("root_exports::same_results", same_results)];
    libtest_mimic::run(&args, trials).exit();
}

/// Calls every export of `component` with fixed arguments; returns the
/// results in order and the names the component exports.
fn call_all(component: &[u8]) -> wasmtime::Result<(Vec<Val>, Vec<String>)> {
    let mut run = common::Instantiated::new(component)?;
    let point = |x, y| Val::Record(vec![("x".into(), Val::S32(x)), ("y".into(), Val::S32(y))]);
    let calls = [
        ("echo", vec![Val::String("bob ✓".into())]),
        ("echo", vec![Val::String(String::new())]),
        ("post-count", vec![]),
        ("classify", vec![point(1, 2)]),
        ("classify", vec![point(3, -2)]),
    ];
    let mut results = Vec::new();
    for (name, params) in calls {
        results.push(run.call(None, name, &params)?);
    }
    Ok((results, run.exports))
}

fn same_results() -> Result<()> {
    let composed = wat::parse_str(COMPOSITION)?;
    common::composed_and_fused(&composed, call_all, |(results, exports)| {
        ensure!(
            *results
                == [
                    Val::String("bob ✓".into()),
                    Val::String(String::new()),
                    Val::U32(2),
                    Val::Enum("red".into()),
                    Val::Enum("green".into())
                ],
            "returned {results:?}"
        );
        ensure!(
            *exports == ["point", "color", "echo", "post-count", "classify"],
            "exports {exports:?}"
        );
        Ok(())
    })?;
    Ok(())
}
