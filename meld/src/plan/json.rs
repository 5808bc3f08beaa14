//! The plan as JSON (`meld inspect --json`): the same facts as the text
//! form (`display`), with stable field names (documented in the
//! README). Types are WIT text (`func(s: string) -> list<u8>`, handles as
//! `own<table3>`), definitions as in the text form (`instance0.Func[6]`),
//! intrinsics as free text (their Rust debug form, not stable).

use super::{CanonOptions, Plan, StringEncoding};
use serde_json::{Value, json};

/// The JSON format's version: a field renamed or removed increments it.
pub const FORMAT: u32 = 1;

impl Plan<'_> {
    /// The plan as a JSON value.
    pub fn to_json(&self) -> Value {
        let modules: Vec<Value> = (self.modules.iter().enumerate())
            .map(|(i, m)| {
                let kind = if m.adapter { "adapter" } else { "module" };
                json!({ "index": i, "kind": kind, "bytes": m.bytes.len() })
            })
            .collect();
        let instances: Vec<Value> = (self.instances.iter().enumerate())
            .map(|(i, inst)| {
                let args: Vec<String> = inst.args.iter().map(ToString::to_string).collect();
                json!({
                    "index": i,
                    "module": inst.module,
                    "component_instance": inst.component_instance,
                    "imports": args,
                })
            })
            .collect();
        let defs =
            |defs: &[super::Def]| -> Vec<String> { defs.iter().map(ToString::to_string).collect() };
        let host_imports: Vec<Value> = (self.host_imports.iter().enumerate())
            .map(|(i, h)| {
                json!({
                    "index": i,
                    "instance": h.instance,
                    "name": h.name,
                    "type": h.ty.to_string(),
                    "options": options(&h.options),
                })
            })
            .collect();
        let exports: Vec<Value> = (self.exports.iter())
            .map(|e| {
                json!({
                    "name": e.name.to_string(),
                    "type": e.ty.to_string(),
                    "func": e.func.to_string(),
                    "options": options(&e.options),
                })
            })
            .collect();
        json!({
            "format": FORMAT,
            "component_instances": self.component_instances,
            "modules": modules,
            "core_instances": instances,
            "intrinsics": self.intrinsics.iter().map(|i| format!("{i:?}")).collect::<Vec<_>>(),
            "memories": defs(&self.memories),
            "reallocs": defs(&self.reallocs),
            "post_returns": defs(&self.post_returns),
            "host_imports": host_imports,
            "resources": self.resources_json(),
            "exports": exports,
        })
    }

    /// The resources: name, definer (`null`: the host), destructor, opaque
    /// reps, and the component instances whose tables hold them.
    fn resources_json(&self) -> Vec<Value> {
        (self.resources.iter().enumerate())
            .map(|(r, res)| {
                let mut held: Vec<u32> = (self.resource_tables.iter().flatten())
                    .filter(|t| t.resource == r && t.used)
                    .map(|t| t.instance)
                    .collect();
                held.sort_unstable();
                held.dedup();
                json!({
                    "index": r,
                    "name": res.name,
                    "defined_by": res.instance,
                    "destructor": res.dtor.as_ref().map(ToString::to_string),
                    "opaque": res.opaque,
                    "held_by": held,
                })
            })
            .collect()
    }
}

/// Canonical options: the string encoding's canonical-ABI name and the
/// indices into the plan's memories, reallocs and post-returns.
fn options(o: &CanonOptions) -> Value {
    let encoding = match o.string_encoding {
        StringEncoding::Utf8 => "utf8",
        StringEncoding::Utf16 => "utf16",
        StringEncoding::CompactUtf16 => "latin1+utf16",
    };
    json!({
        "string_encoding": encoding,
        "memory": o.memory,
        "realloc": o.realloc,
        "post_return": o.post_return,
    })
}
