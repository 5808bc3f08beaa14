//! A [`Composition`] in the component text format.
//!
//! Each component is laid out the same way: its named types (exported by
//! the leaf; imported with `eq` bounds and re-exported by a forwarder),
//! the functions of the component below (forwarders), a `base` core module
//! (memory, a bump-allocating `realloc`, the running hash `mix` and
//! `digest`), the lowered imports, a `code` core module with the honest
//! bodies (and a data segment holding the leaf's return values), an
//! optional wasm-smith module, the lifted functions, and `digest`.

use super::types::{Core, Def, Ty, Types};
use super::values::{Image, flat};
use super::{Composition, INTERFACE, Options, Root, Signature, flat_params, flat_result};
use std::fmt::Write;

/// The core signature of a function: parameters and results.
#[derive(Debug, Clone, PartialEq)]
pub struct CoreSig {
    /// Parameter types.
    pub params: Vec<Core>,
    /// Result types.
    pub results: Vec<Core>,
}

/// The core signature `canon lift` expects of `sig`'s implementation.
pub fn lifted(types: &Types, sig: &Signature) -> CoreSig {
    let p = flat_params(types, sig);
    let r = flat_result(types, sig);
    CoreSig {
        params: if p.len() > 16 { vec![Core::I32] } else { p },
        results: if r.len() > 1 { vec![Core::I32] } else { r },
    }
}

/// The core signature `canon lower` gives `sig`.
pub fn lowered(types: &Types, sig: &Signature) -> CoreSig {
    let p = flat_params(types, sig);
    let r = flat_result(types, sig);
    let mut params = if p.len() > 16 { vec![Core::I32] } else { p };
    if r.len() > 1 {
        params.push(Core::I32);
    }
    CoreSig {
        params,
        results: if r.len() > 1 { Vec::new() } else { r },
    }
}

impl CoreSig {
    /// `(param ..) (result ..)`.
    pub fn wat(&self) -> String {
        let mut s = String::new();
        if !self.params.is_empty() {
            s.push_str("(param");
            for p in &self.params {
                write!(s, " {}", p.wat()).unwrap();
            }
            s.push(')');
        }
        if !self.results.is_empty() {
            s.push_str(" (result");
            for r in &self.results {
                write!(s, " {}", r.wat()).unwrap();
            }
            s.push(')');
        }
        s
    }

    /// The signature of a post-return function for this lifted signature.
    pub fn post_return(&self) -> CoreSig {
        CoreSig {
            params: self.results.clone(),
            results: Vec::new(),
        }
    }
}

/// `ty` as text; named types are `$<prefix><index>`.
pub fn ty(types: &Types, t: &Ty, prefix: &str) -> String {
    match t {
        Ty::Bool => "bool".into(),
        Ty::S8 => "s8".into(),
        Ty::U8 => "u8".into(),
        Ty::S16 => "s16".into(),
        Ty::U16 => "u16".into(),
        Ty::S32 => "s32".into(),
        Ty::U32 => "u32".into(),
        Ty::S64 => "s64".into(),
        Ty::U64 => "u64".into(),
        Ty::F32 => "f32".into(),
        Ty::F64 => "f64".into(),
        Ty::Char => "char".into(),
        Ty::String => "string".into(),
        Ty::List(e) => format!("(list {})", ty(types, e, prefix)),
        Ty::Tuple(items) => {
            let items: Vec<_> = items.iter().map(|t| ty(types, t, prefix)).collect();
            format!("(tuple {})", items.join(" "))
        }
        Ty::Option(t) => format!("(option {})", ty(types, t, prefix)),
        Ty::Result(ok, err) => {
            let mut s = "(result".to_string();
            if let Some(ok) = ok {
                write!(s, " {}", ty(types, ok, prefix)).unwrap();
            }
            if let Some(err) = err {
                write!(s, " (error {})", ty(types, err, prefix)).unwrap();
            }
            s + ")"
        }
        Ty::Named(i) => format!("${prefix}{i}"),
    }
}

fn def(types: &Types, d: &Def, prefix: &str) -> String {
    match d {
        Def::Record(fields) => {
            let mut s = "(record".to_string();
            for (i, f) in fields.iter().enumerate() {
                write!(s, " (field \"f{i}\" {})", ty(types, f, prefix)).unwrap();
            }
            s + ")"
        }
        Def::Variant(cases) => {
            let mut s = "(variant".to_string();
            for (i, c) in cases.iter().enumerate() {
                match c {
                    Some(t) => write!(s, " (case \"c{i}\" {})", ty(types, t, prefix)).unwrap(),
                    None => write!(s, " (case \"c{i}\")").unwrap(),
                }
            }
            s + ")"
        }
        Def::Enum(n) => {
            let mut s = "(enum".to_string();
            for i in 0..*n {
                write!(s, " \"e{i}\"").unwrap();
            }
            s + ")"
        }
        Def::Flags(n) => {
            let mut s = "(flags".to_string();
            for i in 0..*n {
                write!(s, " \"g{i}\"").unwrap();
            }
            s + ")"
        }
    }
}

/// A component function type's body: `(param "p0" ..) .. (result ..)`.
pub fn functype(types: &Types, sig: &Signature, prefix: &str) -> String {
    let mut s = String::new();
    for (i, p) in sig.params.iter().enumerate() {
        write!(s, " (param \"p{i}\" {})", ty(types, p, prefix)).unwrap();
    }
    if let Some(r) = &sig.result {
        write!(s, " (result {})", ty(types, r, prefix)).unwrap();
    }
    s
}

fn options(o: &Options, core: &str) -> String {
    let mut s = String::new();
    if o.memory {
        s.push_str(" (memory $base \"memory\")");
        if o.realloc {
            s.push_str(" (realloc (func $base \"realloc\"))");
        }
    }
    write!(s, " {}", o.encoding.wat()).unwrap();
    if o.post_return {
        write!(s, " (post-return (func ${core} \"pr\"))").unwrap();
    }
    s
}

/// Instructions adding the core value in local `i` (of type `core`) to the
/// running hash.
fn mix_local(i: usize, core: Core) -> String {
    match core {
        Core::I32 => format!("(call $mix (i64.extend_i32_u (local.get {i})))"),
        Core::I64 => format!("(call $mix (local.get {i}))"),
        Core::F32 => {
            format!("(call $mix (i64.extend_i32_u (i32.reinterpret_f32 (local.get {i}))))")
        }
        Core::F64 => format!("(call $mix (i64.reinterpret_f64 (local.get {i})))"),
    }
}

/// The `base` core module: memory (`pages` at first, at most 64), a bump
/// `realloc` from `heap` that records its arguments, `mix` and `digest`.
fn base(pages: u32, heap: u32, seed: u64) -> String {
    format!(
        r#"    (core module $Base
      (memory (export "memory") {pages} 64)
      (global $heap (mut i32) (i32.const {heap}))
      (global $acc (mut i64) (i64.const {seed}))
      (func $mix (export "mix") (param i64)
        (global.set $acc (i64.rotl (i64.mul (i64.xor (global.get $acc) (local.get 0)) (i64.const 0x100000001b3)) (i64.const 29))))
      (func (export "realloc") (param $old i32) (param $osz i32) (param $al i32) (param $nsz i32) (result i32)
        (local $p i32) (local $end i32)
        (call $mix (i64.const 0x7265616c6c6f63))
        (call $mix (i64.extend_i32_u (local.get $old)))
        (call $mix (i64.extend_i32_u (local.get $osz)))
        (call $mix (i64.extend_i32_u (local.get $al)))
        (call $mix (i64.extend_i32_u (local.get $nsz)))
        (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get $al) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get $al))))
        (local.set $end (i32.add (local.get $p) (local.get $nsz)))
        (if (i32.lt_u (local.get $end) (local.get $p)) (then unreachable))
        (block $done (loop $grow
          (br_if $done (i32.le_u (local.get $end) (i32.shl (memory.size) (i32.const 16))))
          (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))
          (br $grow)))
        (global.set $heap (local.get $end))
        (if (local.get $old)
          (then (memory.copy (local.get $p) (local.get $old)
                  (select (local.get $osz) (local.get $nsz) (i32.lt_u (local.get $osz) (local.get $nsz))))))
        (local.get $p))
      (func (export "digest") (result i64)
        (local $i i32) (local $n i32) (local $h i64)
        (local.set $h (i64.xor (global.get $acc) (i64.extend_i32_u (global.get $heap))))
        (local.set $n (i32.shl (memory.size) (i32.const 16)))
        (block $done (loop $l
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $h (i64.rotl (i64.mul (i64.xor (local.get $h) (i64.load (local.get $i))) (i64.const 0x9e3779b97f4a7c15)) (i64.const 23)))
          (local.set $i (i32.add (local.get $i) (i32.const 8)))
          (br $l)))
        (local.get $h)))
"#
    )
}

/// `bytes` as a text-format string.
fn data_string(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3 + 2);
    s.push('"');
    for b in bytes {
        write!(s, "\\{b:02x}").unwrap();
    }
    s.push('"');
    s
}

/// Where the static data of every component starts.
const STATIC_BASE: u32 = 16;

/// Component `k` of `c` (`$c<k>`).
fn component(c: &Composition, k: usize) -> String {
    let types = &c.types;
    let comp = &c.components[k];
    let forwarder = k > 0;
    let mut s = String::new();
    writeln!(s, "  (component $c{k}").unwrap();
    // Named types: defined, then exported (leaf) or imported and
    // re-exported (forwarders). Exported functions use `$t` (leaf) or `$e`.
    for (j, d) in types.defs.iter().enumerate() {
        writeln!(s, "    (type $d{j} {})", def(types, d, "t")).unwrap();
        if forwarder {
            writeln!(s, "    (import \"t{j}\" (type $t{j} (eq $d{j})))").unwrap();
        } else {
            writeln!(s, "    (export $t{j} \"t{j}\" (type $d{j}))").unwrap();
        }
    }
    let prefix = if forwarder { "e" } else { "t" };
    if forwarder {
        for (i, sig) in c.funcs.iter().enumerate() {
            writeln!(
                s,
                "    (import \"f{i}\" (func $imp{i}{}))",
                functype(types, sig, "t")
            )
            .unwrap();
        }
        // Exported types are defined afresh in terms of each other: an
        // exported type may only refer to exported types.
        for (j, d) in types.defs.iter().enumerate() {
            writeln!(s, "    (type $x{j} {})", def(types, d, "e")).unwrap();
            writeln!(s, "    (export $e{j} \"t{j}\" (type $x{j}))").unwrap();
        }
    }

    // Static data: the leaf's return values, the forwarders' return areas.
    let mut image = Image::new(STATIC_BASE);
    let mut results = Vec::new(); // per function: the honest body's result instructions
    for (i, sig) in c.funcs.iter().enumerate() {
        let spilled = flat_result(types, sig).len() > 1;
        let code = match (&sig.result, forwarder) {
            (None, _) => String::new(),
            (Some(t), false) => {
                let value = comp.returns[i].as_ref().expect("a return value");
                // A string or list flattens to two values: always spilled.
                if spilled {
                    let (size, align) = types.layout(t);
                    let addr = image.alloc(size, align);
                    image.store(types, t, value, addr, comp.lifts[i].encoding);
                    format!("(i32.const {addr})")
                } else {
                    flat(types, t, value)
                        .iter()
                        .map(|f| f.wat())
                        .collect::<Vec<_>>()
                        .join(" ")
                }
            }
            (Some(t), true) => {
                if spilled {
                    let (size, align) = types.layout(t);
                    let addr = image.alloc(size, align);
                    format!("(i32.const {addr})")
                } else {
                    String::new()
                }
            }
        };
        results.push(code);
    }
    let heap = super::types::align_to(image.end(), 16) + 16;
    let pages = heap / 65536 + 1;
    s.push_str(&base(pages, heap, comp.seed));
    writeln!(s, "    (core instance $base (instantiate $Base))").unwrap();

    if forwarder {
        for (i, o) in comp.lowers.iter().enumerate() {
            writeln!(
                s,
                "    (core func $lo{i} (canon lower (func $imp{i}){}))",
                options(o, "")
            )
            .unwrap();
        }
    }

    // The honest bodies.
    writeln!(s, "    (core module $Code").unwrap();
    writeln!(s, "      (import \"base\" \"memory\" (memory 0))").unwrap();
    writeln!(s, "      (import \"base\" \"mix\" (func $mix (param i64)))").unwrap();
    if forwarder {
        for (i, sig) in c.funcs.iter().enumerate() {
            writeln!(
                s,
                "      (import \"imp\" \"f{i}\" (func $imp{i} {}))",
                lowered(types, sig).wat()
            )
            .unwrap();
        }
    }
    for (i, sig) in c.funcs.iter().enumerate() {
        let lift = lifted(types, sig);
        write!(
            s,
            "      (func (export \"f{i}\") {}\n        (call $mix (i64.const {i}))",
            lift.wat()
        )
        .unwrap();
        for (n, p) in lift.params.iter().enumerate() {
            write!(s, " {}", mix_local(n, *p)).unwrap();
        }
        if forwarder {
            write!(s, "\n        (call $imp{i}").unwrap();
            for n in 0..lift.params.len() {
                write!(s, " (local.get {n})").unwrap();
            }
            if flat_result(types, sig).len() > 1 {
                write!(s, " {}", results[i]).unwrap();
            }
            s.push(')');
            if flat_result(types, sig).len() > 1 {
                write!(s, " {}", results[i]).unwrap();
            }
        } else {
            write!(s, "\n        {}", results[i]).unwrap();
        }
        s.push_str(")\n");
        let pr = lift.post_return();
        write!(
            s,
            "      (func (export \"pr{i}\") {} (call $mix (i64.const {}))",
            pr.wat(),
            1000 + i
        )
        .unwrap();
        for (n, p) in pr.params.iter().enumerate() {
            write!(s, " {}", mix_local(n, *p)).unwrap();
        }
        s.push_str(")\n");
    }
    if !image.bytes.is_empty() {
        writeln!(
            s,
            "      (data (i32.const {}) {})",
            image.base,
            data_string(&image.bytes)
        )
        .unwrap();
    }
    writeln!(s, "    )").unwrap();
    let imp = if forwarder {
        let mut imp = " (with \"imp\" (instance".to_string();
        for i in 0..c.funcs.len() {
            write!(imp, " (export \"f{i}\" (func $lo{i}))").unwrap();
        }
        imp + "))"
    } else {
        String::new()
    };
    writeln!(
        s,
        "    (core instance $code (instantiate $Code (with \"base\" (instance $base)){imp}))"
    )
    .unwrap();
    if let Some(module) = &comp.smith {
        s.push_str(&super::smith::embed(module, "$Smith"));
        writeln!(
            s,
            "    (core instance $smith (instantiate $Smith (with \"base\" (instance $base)){imp}))"
        )
        .unwrap();
    }

    for (i, sig) in c.funcs.iter().enumerate() {
        let core = if comp.from_smith[i] { "smith" } else { "code" };
        let o = &comp.lifts[i];
        let opts = options(o, core).replace("\"pr\"", &format!("\"pr{i}\""));
        writeln!(
            s,
            "    (func (export \"f{i}\"){} (canon lift (core func ${core} \"f{i}\"){opts}))",
            functype(types, sig, prefix)
        )
        .unwrap();
    }
    writeln!(
        s,
        "    (func (export \"digest\") (result u64) (canon lift (core func $base \"digest\")))"
    )
    .unwrap();
    writeln!(s, "  )").unwrap();
    s
}

/// The whole composition.
pub fn composition(c: &Composition) -> String {
    let mut s = String::from("(component\n");
    for k in 0..c.components.len() {
        if !c.components[k].again {
            s.push_str(&component(c, k));
        }
    }
    for k in 0..c.components.len() {
        if k == 0 {
            writeln!(s, "  (instance $i0 (instantiate $c0))").unwrap();
            continue;
        }
        let below = k - 1;
        for j in 0..c.types.defs.len() {
            writeln!(
                s,
                "  (alias export $i{below} \"t{j}\" (type $i{below}t{j}))"
            )
            .unwrap();
        }
        let def = if c.components[k].again { k - 1 } else { k };
        write!(s, "  (instance $i{k} (instantiate $c{def}").unwrap();
        for j in 0..c.types.defs.len() {
            write!(s, " (with \"t{j}\" (type $i{below}t{j}))").unwrap();
        }
        for i in 0..c.funcs.len() {
            write!(s, " (with \"f{i}\" (func $i{below} \"f{i}\"))").unwrap();
        }
        s.push_str("))\n");
    }
    let top = c.components.len() - 1;
    match c.root {
        Root::Functions => {
            // As in a forwarder: the root's types are defined afresh and
            // each function is exported with its type restated in them.
            for (j, d) in c.types.defs.iter().enumerate() {
                writeln!(s, "  (type $rd{j} {})", def(&c.types, d, "rt")).unwrap();
                writeln!(s, "  (export $rt{j} \"t{j}\" (type $rd{j}))").unwrap();
            }
            for (i, sig) in c.funcs.iter().enumerate() {
                writeln!(
                    s,
                    "  (export \"f{i}\" (func $i{top} \"f{i}\") (func{}))",
                    functype(&c.types, sig, "rt")
                )
                .unwrap();
            }
        }
        Root::Interface => writeln!(s, "  (export \"{INTERFACE}\" (instance $i{top}))").unwrap(),
    }
    for k in 0..c.components.len() {
        writeln!(s, "  (export \"digest-c{k}\" (func $i{k} \"digest\"))").unwrap();
    }
    s.push_str(")\n");
    s
}
