//! Type-only root exports: a component exporting a component type and an
//! instance type (what a WIT package encoded as a component looks like)
//! next to a function. `--component` output carries both types, under
//! their names and in the input's export order, and the function returns
//! what it returns composed. Types declared after the input's first
//! definition cannot be carried and are a named error.

use anyhow::{Result, ensure};
use libtest_mimic::Arguments;
use wasmtime::component::Val;

mod common;

/// The types come before the first definition, as wit-component puts them.
const TYPES_FIRST: &str = r#"
(component
  (type $world (component (import "f" (func (param "x" u32)))))
  (type $iface (instance (export "g" (func (result u32)))))
  (export "world" (type $world))
  (core module $m (func (export "get") (result i32) i32.const 42))
  (core instance $i (instantiate $m))
  (func (export "get") (result u32) (canon lift (core func $i "get")))
  (export "iface" (type $iface)))
"#;

/// The instance type is declared after the core module.
const TYPE_LATE: &str = r#"
(component
  (core module $m (func (export "get") (result i32) i32.const 42))
  (core instance $i (instantiate $m))
  (func (export "get") (result u32) (canon lift (core func $i "get")))
  (type $iface (instance (export "g" (func (result u32)))))
  (export "iface" (type $iface)))
"#;

fn main() {
    let args = Arguments::from_args();
    let trials = vec![
        common::trial("type_exports::carried", carried),
        common::trial("type_exports::late_type_is_an_error", late_type),
    ];
    libtest_mimic::run(&args, trials).exit();
}

/// The root exports as `name kind`, in order.
fn exports(component: &[u8]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut depth = 0;
    for payload in wasmparser::Parser::new(0).parse_all(component) {
        match payload? {
            wasmparser::Payload::Version { .. } => depth += 1,
            wasmparser::Payload::End(_) => depth -= 1,
            wasmparser::Payload::ComponentExportSection(s) if depth == 1 => {
                for export in s {
                    let export = export?;
                    out.push(format!("{} {:?}", export.name.name, export.kind));
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

fn carried() -> Result<()> {
    let composed = wat::parse_str(TYPES_FIRST)?;
    let get = |component: &[u8]| -> wasmtime::Result<Val> {
        common::Instantiated::new(component)?.call(None, "get", &[])
    };
    common::composed_and_fused(&composed, get, |v| {
        ensure!(*v == Val::U32(42), "returned {v:?}");
        Ok(())
    })?;
    let fused = common::fuse(&composed)?;
    let (want, got) = (exports(&composed)?, exports(&fused)?);
    ensure!(
        want == ["world Type", "iface Type", "get Func"],
        "input exports {want:?}"
    );
    ensure!(got == want, "fused exports {got:?}, input's {want:?}");
    Ok(())
}

fn late_type() -> Result<()> {
    let composed = wat::parse_str(TYPE_LATE)?;
    let err = meld::Fuser::new().component(true).fuse(&composed).err();
    let err = err.map(|e| format!("{e:#}")).unwrap_or_default();
    ensure!(
        err.contains("type export `iface`") && err.contains("before the input's first definition"),
        "expected an error naming the export, got `{err}`"
    );
    Ok(())
}
