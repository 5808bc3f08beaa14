//! `meld::single` (`--memory single`), checked by running: each case's
//! original multi-memory module and its lowered single-memory form are
//! instantiated under wasmtime and given the same calls; results, trap
//! codes and (where the case exports them) every region's bytes must
//! match. Lowered modules must also validate and have exactly one memory.
//!
//! Cases: hand-written WAT, seeded random programs over three memories
//! (accesses, growth and bulk operations around the region ends),
//! wasm-smith modules with several memories (`MELD_SINGLE_FUZZ=N` sets how
//! many, default 150, and scales the random programs: N / 50 modules of 25
//! per batch, at least 3), and the errors the pass reports.
//! `MELD_SINGLE_VERBOSE=1` prints why a run stopped comparing early (fuel,
//! stack overflow, a trap at instantiation). `--ignored` also runs a timing
//! comparison on call-heavy code.

use libtest_mimic::{Arguments, Failed, Trial};
use meld::single::{Lowered, Options, lower};
use std::sync::OnceLock;
use wasmtime::{Engine, Instance, Module, Store, Trap, Val};

/// A call's outcome, comparable across the two modules.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// The results' bits.
    Values(Vec<u128>),
    /// A wasm trap.
    Trap(Trap),
    /// Fuel ran out: the comparison stops there.
    OutOfFuel,
    /// Any other error.
    Other(String),
}

/// The engine: with `fuel` for generated modules that may loop (wasmtime
/// charges bulk operations by length, so cases with huge bulk lengths run
/// without).
fn engine(fuel: bool) -> &'static Engine {
    static ENGINES: [OnceLock<Engine>; 2] = [OnceLock::new(), OnceLock::new()];
    ENGINES[fuel as usize].get_or_init(|| {
        let mut config = wasmtime::Config::new();
        config.wasm_multi_memory(true).consume_fuel(fuel);
        if fuel {
            // Generated modules are many and small: compile them fast.
            config.cranelift_opt_level(wasmtime::OptLevel::None);
        }
        Engine::new(&config).expect("engine")
    })
}

fn outcome(result: wasmtime::Result<Vec<u128>>) -> Outcome {
    match result {
        Ok(values) => Outcome::Values(values),
        Err(e) => match e.downcast_ref::<Trap>() {
            Some(Trap::OutOfFuel) => Outcome::OutOfFuel,
            Some(trap) => Outcome::Trap(*trap),
            None => Outcome::Other(format!("{e:#}")),
        },
    }
}

fn bits(value: &Val) -> u128 {
    match value {
        Val::I32(v) => *v as u32 as u128,
        Val::I64(v) => *v as u64 as u128,
        Val::F32(v) => *v as u128,
        Val::F64(v) => *v as u128,
        Val::V128(v) => v.as_u128(),
        Val::FuncRef(f) => f.is_some() as u128,
        Val::ExternRef(r) => r.is_some() as u128,
        other => panic!("unexpected result {other:?}"),
    }
}

/// One module, instantiated, with the fuel each call gets.
struct Side {
    store: Store<()>,
    instance: Option<Instance>,
    fuel: Option<u64>,
}

impl Side {
    fn new(module: &Module, fuel: Option<u64>) -> (Self, Outcome) {
        let mut store = Store::new(module.engine(), ());
        if let Some(fuel) = fuel {
            store.set_fuel(fuel).expect("fuel");
        }
        let instance = Instance::new(&mut store, module, &[]);
        let started = outcome(instance.as_ref().map(|_| Vec::new()).map_err(clone_err));
        let side = Side {
            store,
            instance: instance.ok(),
            fuel,
        };
        (side, started)
    }

    fn call(&mut self, name: &str) -> Outcome {
        let instance = self.instance.expect("instantiated");
        let func = instance.get_func(&mut self.store, name).expect("export");
        let ty = func.ty(&self.store);
        let params: Option<Vec<Val>> = ty.params().map(|t| Val::default_for_ty(&t)).collect();
        let Some(params) = params else {
            return Outcome::Other("parameter without a default".into());
        };
        let mut results: Vec<Val> = ty.results().map(|_| Val::I32(0)).collect();
        if let Some(fuel) = self.fuel {
            self.store.set_fuel(fuel).expect("fuel");
        }
        let result = func.call(&mut self.store, &params, &mut results);
        outcome(result.map(|()| results.iter().map(bits).collect()))
    }

    fn i32_global(&mut self, name: &str) -> Option<u32> {
        let instance = self.instance?;
        let global = instance.get_global(&mut self.store, name)?;
        global.get(&mut self.store).i32().map(|v| v as u32)
    }

    fn memory(&mut self, name: &str) -> Option<Vec<u8>> {
        let instance = self.instance?;
        let memory = instance.get_memory(&mut self.store, name)?;
        Some(memory.data(&self.store).to_vec())
    }
}

fn clone_err(e: &wasmtime::Error) -> wasmtime::Error {
    match e.downcast_ref::<Trap>() {
        Some(trap) => wasmtime::Error::new(*trap),
        None => wasmtime::Error::msg(format!("{e:#}")),
    }
}

/// The name the lowered module exports its memory under.
const MEMORY: &str = "memory";

/// Lowers `original` (whose memories are exported as `m0`, `m1`, ... and
/// whose base globals, when `bases` is set, are the first globals,
/// exported as `base0`, ...), checking the output's shape.
fn lowered(original: &[u8], memories: usize, bases: bool) -> Result<Lowered, Failed> {
    let options = Options {
        budget_pages: None,
        base_globals: if bases {
            (0..memories as u32).collect()
        } else {
            Vec::new()
        },
        export_name: MEMORY.to_string(),
    };
    let lowered = lower(original, &options).map_err(|e| format!("lowering failed: {e:#}"))?;
    wasmparser::Validator::new_with_features(meld::encode::features())
        .validate_all(&lowered.module)
        .map_err(|e| format!("the lowered module is invalid: {e}"))?;
    let again = lower(original, &options).map_err(|e| format!("{e:#}"))?;
    if again.module != lowered.module {
        return Err("lowering is not deterministic".into());
    }
    let count = memory_count(&lowered.module);
    if count != memories.min(1) {
        return Err(format!("the lowered module has {count} memories").into());
    }
    Ok(lowered)
}

fn memory_count(module: &[u8]) -> usize {
    let mut count = 0;
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let Ok(wasmparser::Payload::MemorySection(r)) = payload {
            count += r.count() as usize;
        }
    }
    count
}

/// The export names of `module`'s memories in index order, if every
/// memory is exported.
fn memory_exports(module: &[u8]) -> Option<Vec<String>> {
    let mut names = vec![None; memory_count(module)];
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let Ok(wasmparser::Payload::ExportSection(reader)) = payload {
            for export in reader.into_iter().flatten() {
                if export.kind == wasmparser::ExternalKind::Memory {
                    names[export.index as usize].get_or_insert(export.name.to_string());
                }
            }
        }
    }
    names.into_iter().collect()
}

/// An original module and its lowered form, compiled.
struct Pair {
    original: Module,
    lowered: Module,
    /// The original's memory exports in index order (empty: not compared).
    memories: Vec<String>,
    /// Whether the original's first globals are its base globals, exported
    /// as `base0`, ... (see [`lowered`]).
    bases: bool,
    /// Whether calls run with fuel (generated code may loop).
    fuel: bool,
}

impl Pair {
    fn new(original: &[u8], bases: bool, fuel: bool) -> Result<Pair, Failed> {
        let count = memory_count(original);
        let lowered = lowered(original, count, bases)?;
        let engine = engine(fuel);
        let compile = |bytes: &[u8]| Module::new(engine, bytes).map_err(|e| format!("{e:#}"));
        Ok(Pair {
            original: compile(original)?,
            lowered: compile(&lowered.module)?,
            memories: memory_exports(original).unwrap_or_default(),
            bases,
            fuel,
        })
    }
}

/// Checks that the lowered memory is the original memories back to back
/// (and that the exported base globals say so).
fn compare_memories(pair: &Pair, a: &mut Side, b: &mut Side, after: &str) -> Result<(), Failed> {
    if pair.memories.is_empty() {
        return Ok(());
    }
    let want: Vec<Vec<u8>> = (pair.memories.iter())
        .map(|name| a.memory(name).expect("memory export"))
        .collect();
    let physical = b.memory(MEMORY).ok_or("no memory export")?;
    let mut base = 0;
    for (i, region) in want.iter().enumerate() {
        if pair.bases && b.i32_global(&format!("base{i}")) != Some(base as u32) {
            return Err(format!("after {after}: base{i} is not {base}").into());
        }
        let got = physical.get(base..base + region.len()).unwrap_or_default();
        if got != region.as_slice() {
            let at = region.iter().zip(got).position(|(x, y)| x != y);
            return Err(format!(
                "after {after}: region {i} differs: {} vs {} bytes, first difference at {at:?}",
                region.len(),
                got.len()
            )
            .into());
        }
        base += region.len();
    }
    if physical.len() != base {
        return Err(format!(
            "after {after}: {} physical bytes, not {base}",
            physical.len()
        )
        .into());
    }
    Ok(())
}

/// Runs `calls` on fresh instances of both modules, comparing outcomes and
/// memories after each. Returns how many calls were compared.
fn differential(pair: &Pair, calls: &[String]) -> Result<usize, Failed> {
    let fuel = |f| pair.fuel.then_some(f);
    let (mut a, started_a) = Side::new(&pair.original, fuel(1_000_000));
    let (mut b, started_b) = Side::new(&pair.lowered, fuel(20_000_000));
    compare("instantiation", &started_a, &started_b)?;
    if a.instance.is_none() {
        verbose(format_args!("instantiation: {started_a:?}"));
        return Ok(0);
    }
    compare_memories(pair, &mut a, &mut b, "instantiation")?;
    for (n, call) in calls.iter().enumerate() {
        let (x, y) = (a.call(call), b.call(call));
        if [&x, &y].iter().any(|o| stops(o)) {
            verbose(format_args!(
                "stopped at {call}: original {x:?}, lowered {y:?}"
            ));
            return Ok(n);
        }
        compare(call, &x, &y)?;
        compare_memories(pair, &mut a, &mut b, call)?;
    }
    Ok(calls.len())
}

fn verbose(message: std::fmt::Arguments<'_>) {
    if std::env::var_os("MELD_SINGLE_VERBOSE").is_some() {
        eprintln!("{message}");
    }
}

/// Outcomes after which the two runs may legitimately diverge.
fn stops(outcome: &Outcome) -> bool {
    matches!(
        outcome,
        Outcome::OutOfFuel | Outcome::Trap(Trap::StackOverflow)
    )
}

fn compare<T: PartialEq + std::fmt::Debug>(
    what: &str,
    original: &T,
    lowered: &T,
) -> Result<(), Failed> {
    if original == lowered {
        Ok(())
    } else {
        Err(format!("{what}: original {original:?}, lowered {lowered:?}").into())
    }
}

/// The exported functions of `module`, in export order.
fn exported_functions(module: &Module) -> Vec<String> {
    module
        .exports()
        .filter(|e| e.ty().func().is_some())
        .map(|e| e.name().to_string())
        .collect()
}

// ---------------------------------------------------------------------------
// Hand-written cases.

/// A hand-written case: memories as `(initial, maximum)`, and module
/// fields that refer to them as `$m0`, `$m1`, ...; every exported function
/// (nullary) is called in order.
struct Case {
    name: &'static str,
    memories: &'static [(u32, Option<u32>)],
    body: &'static str,
}

/// The case's module: memories exported as `m{i}`, base globals first.
fn case_module(memories: &[(u32, Option<u32>)], body: &str) -> String {
    let mut wat = String::from("(module\n");
    for (i, (initial, maximum)) in memories.iter().enumerate() {
        let maximum = maximum.map(|m| m.to_string()).unwrap_or_default();
        wat += &format!("  (memory $m{i} (export \"m{i}\") {initial} {maximum})\n");
    }
    for i in 0..memories.len() {
        wat += &format!("  (global (export \"base{i}\") (mut i32) (i32.const 0))\n");
    }
    wat + body + "\n)"
}

fn run_case(case: &Case) -> Result<(), Failed> {
    let wat = case_module(case.memories, case.body);
    let original = wat::parse_str(&wat).map_err(|e| format!("{e}"))?;
    let pair = Pair::new(&original, true, false)?;
    let calls = exported_functions(&pair.original);
    let compared = differential(&pair, &calls)?;
    if compared != calls.len() {
        return Err(format!("only {compared} of {} calls compared", calls.len()).into());
    }
    Ok(())
}

const LOADS_AND_STORES: &str = r#"
  (func (export "store_all")
    (i32.store $m1 (i32.const 0) (i32.const 0x11223344))
    (i64.store $m1 offset=8 (i32.const 0) (i64.const 0x8102030405060708))
    (f32.store $m2 (i32.const 4) (f32.const -1.5))
    (f64.store $m0 (i32.const 16) (f64.const 3.25))
    (v128.store $m1 (i32.const 32) (v128.const i32x4 0x80808080 2 3 0xfffffffe))
    (i32.store8 $m2 (i32.const 1) (i32.const 0x1ff))
    (i32.store16 $m0 (i32.const 2) (i32.const 0x18081))
    (i64.store8 $m1 (i32.const 64) (i64.const 0xf0))
    (i64.store16 $m2 (i32.const 66) (i64.const 0x8001))
    (i64.store32 $m0 (i32.const 68) (i64.const 0x180000001)))
  (func (export "load_i32") (result i32 i32 i32 i32 i32)
    (i32.load $m1 (i32.const 0))
    (i32.load8_s $m1 (i32.const 3))
    (i32.load8_u $m2 (i32.const 1))
    (i32.load16_s $m0 (i32.const 2))
    (i32.load16_u $m0 (i32.const 2)))
  (func (export "load_i64") (result i64 i64 i64 i64 i64 i64 i64)
    (i64.load $m1 (i32.const 8))
    (i64.load8_s $m1 (i32.const 64))
    (i64.load8_u $m1 (i32.const 64))
    (i64.load16_s $m2 (i32.const 66))
    (i64.load16_u $m2 (i32.const 66))
    (i64.load32_s $m0 (i32.const 68))
    (i64.load32_u $m0 (i32.const 68)))
  (func (export "load_float") (result f32 f64 f32)
    (f32.load $m2 (i32.const 4)) (f64.load $m0 (i32.const 16)) (f32.load $m1 (i32.const 1)))
  (func (export "load_v128") (result v128 v128 v128 v128 v128 v128)
    (v128.load $m1 (i32.const 32))
    (v128.load8x8_s $m1 (i32.const 32))
    (v128.load16x4_u $m1 (i32.const 36))
    (v128.load32x2_s $m1 (i32.const 40))
    (v128.load8_splat $m2 (i32.const 1))
    (v128.load64_zero $m1 (i32.const 8)))
  (func (export "lanes") (result v128)
    (v128.store16_lane $m2 1 (i32.const 100) (v128.const i16x8 1 2 3 4 5 6 7 8))
    (v128.store32_lane $m0 3 (i32.const 104) (v128.const i32x4 9 10 11 12))
    (v128.load64_lane $m1 1 (i32.const 8)
      (v128.load32_lane $m2 0 (i32.const 4)
        (v128.load16_splat $m0 (i32.const 2)))))
  (func (export "splats") (result v128 v128)
    (v128.load32_splat $m1 (i32.const 0)) (v128.load32_zero $m2 (i32.const 4)))
"#;

const ENDS: &str = r#"
  (func (export "m1_i32_last") (result i32) (i32.load $m1 (i32.const 131068)))
  (func (export "m1_i32_past") (result i32) (i32.load $m1 (i32.const 131069)))
  (func (export "m1_i64_last") (result i64) (i64.load $m1 (i32.const 131064)))
  (func (export "m1_i64_past") (result i64) (i64.load $m1 (i32.const 131065)))
  (func (export "m1_v128_last") (result v128) (v128.load $m1 (i32.const 131056)))
  (func (export "m1_v128_past") (result v128) (v128.load $m1 (i32.const 131057)))
  (func (export "m1_byte_last") (result i32) (i32.load8_u $m1 (i32.const 131071)))
  (func (export "m1_byte_past") (result i32) (i32.load8_u $m1 (i32.const 131072)))
  (func (export "m1_offset_last") (result i32) (i32.load $m1 offset=131068 (i32.const 0)))
  (func (export "m1_offset_past") (result i32) (i32.load $m1 offset=131069 (i32.const 0)))
  (func (export "m1_huge_offset") (result i32) (i32.load $m1 offset=4294967295 (i32.const 0)))
  (func (export "m1_huge_both") (result i32) (i32.load8_u $m1 offset=4294967295 (i32.const -1)))
  (func (export "m1_wrap") (result i32) (i32.load $m1 offset=4 (i32.const -4)))
  (func (export "m1_top") (result i32) (i32.load8_u $m1 (i32.const -1)))
  (func (export "m0_into_m1") (result i32) (i32.load $m0 (i32.const 65536)))
  (func (export "m0_last_f64") (result f64) (f64.load $m0 (i32.const 65528)))
  (func (export "m0_past_f64") (result f64) (f64.load $m0 (i32.const 65529)))
  (func (export "m2_empty") (result i32) (i32.load8_u $m2 (i32.const 0)))
  (func (export "m3_last") (result i32) (i32.load16_s $m3 (i32.const 65534)))
  (func (export "m3_past") (result i32) (i32.load16_s $m3 (i32.const 65535)))
  (func (export "store_last") (i64.store32 $m1 (i32.const 131068) (i64.const -1)))
  (func (export "store_past") (i64.store32 $m1 (i32.const 131069) (i64.const -1)))
  (func (export "store_f32_past") (f32.store $m3 (i32.const 65533) (f32.const 1)))
  (func (export "store_v128_last") (v128.store $m3 (i32.const 65520) (v128.const i64x2 -1 -1)))
  (func (export "store_v128_past") (v128.store $m3 offset=65521 (i32.const 0) (v128.const i64x2 -1 -1)))
  (func (export "lane_past") (v128.store64_lane $m0 0 (i32.const 65529) (v128.const i64x2 -1 -1)))
  (func (export "lane_load_past") (result v128)
    (v128.load8_lane $m1 15 (i32.const 131072) (v128.const i64x2 0 0)))
  (func (export "splat_past") (result v128) (v128.load64_splat $m3 (i32.const 65529)))
"#;

/// Loads through one local: a check made for one load covers a later one
/// through the unchanged local that ends no further, and no other.
const SAME_LOCAL: &str = r#"
  (func (export "second_further_past") (result i32)
    (local $p i32)
    (local.set $p (i32.const 65528))
    (drop (i32.load $m1 (local.get $p)))
    (i32.load $m1 offset=8 (local.get $p)))
  (func (export "second_nearer_in") (result i32)
    (local $p i32)
    (local.set $p (i32.const 65528))
    (drop (i32.load $m1 offset=4 (local.get $p)))
    (i32.load8_u $m1 (local.get $p)))
  (func (export "reset_after_set") (result i32)
    (local $p i32)
    (local.set $p (i32.const 0))
    (drop (i32.load $m1 offset=60000 (local.get $p)))
    (local.set $p (i32.const 65535))
    (i32.load $m1 (local.get $p)))
  (func (export "other_memory") (result i32)
    (local $p i32)
    (local.set $p (i32.const 70000))
    (drop (i32.load $m0 (local.get $p)))
    (i32.load $m1 (local.get $p)))
  (func (export "after_grow") (result i32)
    (local $p i32)
    (local.set $p (i32.const 65532))
    (drop (i32.load $m1 (local.get $p)))
    (drop (memory.grow $m1 (i32.const 1)))
    (i32.add (i32.load $m1 (local.get $p)) (i32.load $m1 offset=4 (local.get $p))))
  (func (export "loop_reassigns") (result i32)
    (local $p i32) (local $n i32)
    (local.set $p (i32.const 131064))
    (drop (i32.load $m0 (local.get $p)))
    (loop $l
      (drop (i32.load $m0 (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $n) (i32.const 8))))
    (local.get $n))
"#;

const GROW: &str = r#"
  (data (memory $m1) (i32.const 0) "region one")
  (data (memory $m1) (i32.const 65526) "end of one")
  (data (memory $m2) (i32.const 0) "")
  (func (export "sizes") (result i32 i32 i32)
    (memory.size $m0) (memory.size $m1) (memory.size $m2))
  (func (export "fill_m0") (memory.fill $m0 (i32.const 0) (i32.const 0x5a) (i32.const 65536)))
  (func (export "grow_m0") (result i32) (memory.grow $m0 (i32.const 1)))
  (func (export "new_page_zero") (result i64) (i64.load $m0 (i32.const 65536)))
  (func (export "m1_still") (result i64 i64) (i64.load $m1 (i32.const 0)) (i64.load $m1 (i32.const 65528)))
  (func (export "grow_m0_past_max") (result i32) (memory.grow $m0 (i32.const 2)))
  (func (export "grow_m0_again") (result i32) (memory.grow $m0 (i32.const 1)))
  (func (export "grow_m0_zero") (result i32) (memory.grow $m0 (i32.const 0)))
  (func (export "grow_m0_full") (result i32) (memory.grow $m0 (i32.const 1)))
  (func (export "sizes_2") (result i32 i32 i32)
    (memory.size $m0) (memory.size $m1) (memory.size $m2))
  (func (export "grow_m2") (result i32) (memory.grow $m2 (i32.const 1)))
  (func (export "m2_store") (i32.store $m2 (i32.const 65532) (i32.const 7)))
  (func (export "grow_m2_past") (result i32) (memory.grow $m2 (i32.const 2)))
  (func (export "grow_m1") (result i32) (memory.grow $m1 (i32.const 10)))
  (func (export "m1_new_end") (result i32) (i32.load $m1 (i32.const 786428)))
  (func (export "m1_new_past") (result i32) (i32.load $m1 (i32.const 786429)))
  (func (export "grow_m1_huge") (result i32) (memory.grow $m1 (i32.const 0x10000)))
  (func (export "grow_m1_minus") (result i32) (memory.grow $m1 (i32.const -1)))
  (func (export "m2_kept") (result i32) (i32.load $m2 (i32.const 65532)))
  (func (export "sizes_3") (result i32 i32 i32)
    (memory.size $m0) (memory.size $m1) (memory.size $m2))
"#;

const BULK: &str = r#"
  (data (memory $m0) (i32.const 0) "0123456789abcdefghijklmnopqrstuvwxyz")
  (data (memory $m1) (i32.const 65500) "the end of region one, its last bytes")
  (func (export "fill") (memory.fill $m1 (i32.const 10) (i32.const 0xab) (i32.const 100)))
  (func (export "fill_to_end") (memory.fill $m1 (i32.const 131067) (i32.const 1) (i32.const 5)))
  (func (export "fill_zero_at_end") (memory.fill $m1 (i32.const 131072) (i32.const 1) (i32.const 0)))
  (func (export "fill_zero_past") (memory.fill $m1 (i32.const 131073) (i32.const 1) (i32.const 0)))
  (func (export "fill_past") (memory.fill $m1 (i32.const 131067) (i32.const 2) (i32.const 6)))
  (func (export "fill_m0_past") (memory.fill $m0 (i32.const 65530) (i32.const 3) (i32.const 7)))
  (func (export "fill_huge") (memory.fill $m2 (i32.const 1) (i32.const 3) (i32.const -1)))
  (func (export "copy_0_to_1") (memory.copy $m1 $m0 (i32.const 131040) (i32.const 0) (i32.const 32)))
  (func (export "copy_1_to_0") (memory.copy $m0 $m1 (i32.const 40) (i32.const 65500) (i32.const 36)))
  (func (export "copy_1_to_2") (memory.copy $m2 $m1 (i32.const 0) (i32.const 131000) (i32.const 72)))
  (func (export "copy_overlap_up") (memory.copy $m0 $m0 (i32.const 5) (i32.const 0) (i32.const 30)))
  (func (export "copy_overlap_down") (memory.copy $m1 $m1 (i32.const 65490) (i32.const 65500) (i32.const 37)))
  (func (export "copy_zero_at_ends") (memory.copy $m0 $m2 (i32.const 65536) (i32.const 65536) (i32.const 0)))
  (func (export "copy_zero_dst_past") (memory.copy $m0 $m2 (i32.const 65537) (i32.const 0) (i32.const 0)))
  (func (export "copy_zero_src_past") (memory.copy $m0 $m2 (i32.const 0) (i32.const 65537) (i32.const 0)))
  (func (export "copy_src_past") (memory.copy $m2 $m0 (i32.const 0) (i32.const 65500) (i32.const 37)))
  (func (export "copy_dst_past") (memory.copy $m0 $m1 (i32.const 65500) (i32.const 0) (i32.const 37)))
  (func (export "copy_dst_into_next") (memory.copy $m1 $m1 (i32.const 131071) (i32.const 0) (i32.const 2)))
"#;

const INIT: &str = r#"
  (data $hello "hello, regions")
  (data $empty "")
  (data $active (memory $m2) (i32.const 8) "active")
  (func (export "init_m1") (memory.init $m1 $hello (i32.const 65530) (i32.const 0) (i32.const 14)))
  (func (export "init_m2_end") (memory.init $m2 $hello (i32.const 65531) (i32.const 9) (i32.const 5)))
  (func (export "init_m2_past") (memory.init $m2 $hello (i32.const 65532) (i32.const 9) (i32.const 5)))
  (func (export "init_src_past") (memory.init $m0 $hello (i32.const 0) (i32.const 10) (i32.const 5)))
  (func (export "init_zero_at_end") (memory.init $m0 $empty (i32.const 65536) (i32.const 0) (i32.const 0)))
  (func (export "init_zero_past") (memory.init $m0 $empty (i32.const 65537) (i32.const 0) (i32.const 0)))
  (func (export "drop") (data.drop $hello) (data.drop $active))
  (func (export "init_dropped") (memory.init $m1 $hello (i32.const 0) (i32.const 0) (i32.const 1)))
  (func (export "init_dropped_zero") (memory.init $m1 $hello (i32.const 0) (i32.const 0) (i32.const 0)))
  (func (export "active_dropped") (memory.init $m1 $active (i32.const 0) (i32.const 0) (i32.const 1)))
"#;

const DATA: &str = r#"
  (data (memory $m0) (i32.const 0) "first")
  (data (memory $m0) (i32.const 65531) "last!")
  (data (memory $m1) (i32.const 0) "second")
  (data (memory $m1) (i32.add (i32.const 100) (i32.const 7)) "extended")
  (data (memory $m2) (i32.const 131070) "zz")
  (data (memory $m2) (i32.const 131072) "")
  (func (export "read") (result i64 i64 i32)
    (i64.load $m0 (i32.const 65528)) (i64.load $m1 (i32.const 100)) (i32.load16_u $m2 (i32.const 131070)))
"#;

const DATA_PAST_END: &str = r#"
  (data (memory $m0) (i32.const 65535) "xy")
"#;

const DATA_EMPTY_PAST_END: &str = r#"
  (data (memory $m1) (i32.const 65537) "")
"#;

const CALLS_AND_START: &str = r#"
  (type $t (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $get1 $get2)
  (global $counter (mut i32) (i32.const 0))
  (func $get1 (type $t) (i32.load $m1 (local.get 0)))
  (func $get2 (type $t) (i32.load $m2 (local.get 0)))
  (func $start
    (i32.store $m1 (i32.const 4) (i32.const 41))
    (i32.store $m2 (i32.const 4) (i32.const 42)))
  (start $start)
  (func (export "indirect") (result i32 i32)
    (call_indirect (type $t) (i32.const 4) (i32.const 0))
    (call_indirect (type $t) (i32.const 4) (i32.const 1)))
  (func $rec (param $n i32) (result i32)
    (local $x i64)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.load $m1 (i32.const 4)))
      (else
        (i64.store $m2 (i32.shl (local.get $n) (i32.const 3)) (i64.extend_i32_u (local.get $n)))
        (i32.add (local.get $n) (call $rec (i32.sub (local.get $n) (i32.const 1)))))))
  (func (export "recursive") (result i32) (call $rec (i32.const 100)))
"#;

const ONE_MEMORY: &str = r#"
  (data (i32.const 10) "one memory")
  (func (export "grow") (result i32) (memory.grow $m0 (i32.const 1)))
  (func (export "past_max") (result i32) (memory.grow $m0 (i32.const 1)))
  (func (export "size") (result i32) (memory.size $m0))
  (func (export "end") (result i32) (i32.load $m0 (i32.const 131068)))
  (func (export "past") (result i32) (i32.load $m0 (i32.const 131069)))
  (func (export "fill") (memory.fill $m0 (i32.const 131000) (i32.const 9) (i32.const 72)))
  (func (export "fill_past") (memory.fill $m0 (i32.const 131000) (i32.const 9) (i32.const 73)))
"#;

const CASES: &[Case] = &[
    Case {
        name: "loads_and_stores_every_width",
        memories: &[(1, None), (2, Some(3)), (1, Some(1))],
        body: LOADS_AND_STORES,
    },
    Case {
        name: "accesses_at_and_past_region_ends",
        memories: &[(1, None), (2, None), (0, Some(1)), (1, Some(1))],
        body: ENDS,
    },
    Case {
        name: "loads_through_one_local",
        // `$m1` is not the last region: a load past its end reaches `$m2`
        // unless it is checked.
        memories: &[(2, None), (1, Some(3)), (1, None)],
        body: SAME_LOCAL,
    },
    Case {
        name: "size_and_grow_move_later_regions",
        memories: &[(1, Some(3)), (1, None), (0, Some(2))],
        body: GROW,
    },
    Case {
        name: "fill_and_copy_within_and_across_regions",
        memories: &[(1, None), (2, None), (1, Some(1))],
        body: BULK,
    },
    Case {
        name: "memory_init_and_data_drop",
        memories: &[(1, None), (2, None), (1, Some(1))],
        body: INIT,
    },
    Case {
        name: "active_data_in_every_memory",
        memories: &[(1, None), (1, Some(1)), (2, Some(2))],
        body: DATA,
    },
    Case {
        name: "active_data_past_a_region_end_traps",
        memories: &[(1, None), (1, None)],
        body: DATA_PAST_END,
    },
    Case {
        name: "empty_active_data_past_a_region_end_traps",
        memories: &[(1, None), (1, None)],
        body: DATA_EMPTY_PAST_END,
    },
    Case {
        name: "calls_tables_and_start_keep_their_indices",
        memories: &[(1, None), (1, None), (1, Some(1))],
        body: CALLS_AND_START,
    },
    Case {
        name: "one_memory",
        memories: &[(2, Some(3))],
        body: ONE_MEMORY,
    },
];

// ---------------------------------------------------------------------------
// Random programs.

/// splitmix64: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Loads: instruction, bytes, how the value is folded into the i64 `$acc`.
const LOADS: &[(&str, u64, &str)] = &[
    ("i32.load", 4, "i64.extend_i32_u"),
    ("i32.load8_s", 1, "i64.extend_i32_s"),
    ("i32.load8_u", 1, "i64.extend_i32_u"),
    ("i32.load16_s", 2, "i64.extend_i32_s"),
    ("i32.load16_u", 2, "i64.extend_i32_u"),
    ("i64.load", 8, ""),
    ("i64.load8_s", 1, ""),
    ("i64.load16_u", 2, ""),
    ("i64.load32_s", 4, ""),
    ("i64.load32_u", 4, ""),
    ("f32.load", 4, "f32"),
    ("f64.load", 8, "i64.reinterpret_f64"),
    ("v128.load", 16, "v"),
    ("v128.load8x8_s", 8, "v"),
    ("v128.load32_splat", 4, "v"),
    ("v128.load64_zero", 8, "v"),
];

/// Stores: instruction, bytes, the value's type.
const STORES: &[(&str, u64, &str)] = &[
    ("i32.store", 4, "i32"),
    ("i32.store8", 1, "i32"),
    ("i32.store16", 2, "i32"),
    ("i64.store", 8, "i64"),
    ("i64.store8", 1, "i64"),
    ("i64.store16", 2, "i64"),
    ("i64.store32", 4, "i64"),
    ("f32.store", 4, "f32"),
    ("f64.store", 8, "f64"),
    ("v128.store", 16, "v128"),
];

/// An address in memory `m`, mostly near its current end (`near` bytes
/// below it or a few above), sometimes anywhere.
fn address(rng: &mut Rng, m: u64, near: u64) -> String {
    match rng.below(8) {
        0 => format!("(i32.const {})", rng.below(200)),
        1 => format!(
            "(i32.const {})",
            *rng.pick(&[-1i64, -16, 0x7fff_ffff, 65536, 65535])
        ),
        _ => {
            let k = near as i64 - rng.below(4) as i64 + rng.below(3) as i64;
            format!("(i32.sub (i32.shl (memory.size $m{m}) (i32.const 16)) (i32.const {k}))")
        }
    }
}

fn offset(rng: &mut Rng) -> u64 {
    match rng.below(10) {
        0..=6 => 0,
        7 => rng.below(16),
        8 => *rng.pick(&[65535, 65536, 131072]),
        _ => 4_294_967_295,
    }
}

/// One random instruction sequence over memories `$m0..$m2`.
fn random_op(rng: &mut Rng) -> String {
    let m = rng.below(3);
    let fold = |conv: &str, load: String| match conv {
        "v" => format!(
            "(local.set $v {load}) (local.set $acc (i64.xor (local.get $acc) \
             (i64.xor (i64x2.extract_lane 0 (local.get $v)) (i64x2.extract_lane 1 (local.get $v)))))"
        ),
        "" => format!("(local.set $acc (i64.xor (local.get $acc) {load}))"),
        "f32" => format!(
            "(local.set $acc (i64.xor (local.get $acc) (i64.extend_i32_u (i32.reinterpret_f32 {load}))))"
        ),
        conv => format!("(local.set $acc (i64.xor (local.get $acc) ({conv} {load})))"),
    };
    match rng.below(14) {
        0..=3 => {
            let (op, size, conv) = *rng.pick(LOADS);
            let (o, a) = (offset(rng), address(rng, m, size));
            fold(conv, format!("({op} $m{m} offset={o} {a})"))
        }
        4..=7 => {
            let (op, size, ty) = *rng.pick(STORES);
            let (o, a) = (offset(rng), address(rng, m, size));
            let value = match ty {
                "v128" => format!(
                    "(v128.const i64x2 {} {})",
                    rng.next() as i64,
                    rng.next() as i64
                ),
                "f32" => format!("(f32.reinterpret_i32 (i32.const {}))", rng.next() as i32),
                "f64" => format!("(f64.reinterpret_i64 (i64.const {}))", rng.next() as i64),
                ty => format!("({ty}.const {})", rng.next() as i32),
            };
            format!("({op} $m{m} offset={o} {a} {value})")
        }
        8 => {
            let lane = rng.below(2);
            let a = address(rng, m, 8);
            match rng.below(2) {
                0 => format!("(v128.store64_lane $m{m} {lane} {a} (local.get $v))"),
                _ => fold(
                    "v",
                    format!("(v128.load64_lane $m{m} {lane} {a} (local.get $v))"),
                ),
            }
        }
        9 => {
            // Not 65536: an empty memory could grow by that much, but the
            // regions share 65535 pages (a documented difference).
            let delta = *rng.pick(&[0i64, 1, 1, 2, 3, 70000, -1]);
            fold(
                "i64.extend_i32_s",
                format!("(memory.grow $m{m} (i32.const {delta}))"),
            )
        }
        10 => fold("i64.extend_i32_u", format!("(memory.size $m{m})")),
        11 => {
            let len = rng.below(40);
            let a = address(rng, m, len);
            let value = rng.below(256);
            format!("(memory.fill $m{m} {a} (i32.const {value}) (i32.const {len}))")
        }
        12 => {
            let (n, len) = (rng.below(3), rng.below(40));
            let (d, s) = (address(rng, m, len), address(rng, n, len));
            format!("(memory.copy $m{m} $m{n} {d} {s} (i32.const {len}))")
        }
        _ => match rng.below(5) {
            0 => "(data.drop $seg)".to_string(),
            _ => {
                let (src, len) = (rng.below(12), rng.below(12));
                let a = address(rng, m, len);
                format!("(memory.init $m{m} $seg {a} (i32.const {src}) (i32.const {len}))")
            }
        },
    }
}

/// A module of `programs` random programs (exports `p0`, ...) over three
/// memories with random sizes and maximums.
fn random_module(rng: &mut Rng, programs: usize) -> String {
    let memories: Vec<(u32, Option<u32>)> = (0..3)
        .map(|_| {
            let initial = rng.below(3) as u32;
            let maximum = [None, Some(initial), Some(initial + 1), Some(initial + 3)];
            (initial, *rng.pick(&maximum))
        })
        .collect();
    let mut body = String::from("  (data $seg \"0123456789\")\n");
    for (i, (initial, _)) in memories.iter().enumerate() {
        if *initial > 0 {
            let at = rng.below(u64::from(*initial) * 65536 - 8);
            body += &format!("  (data (memory $m{i}) (i32.const {at}) \"data{i}!!!\")\n");
        }
    }
    for p in 0..programs {
        body +=
            &format!("  (func (export \"p{p}\") (result i64) (local $acc i64) (local $v v128)\n");
        for _ in 0..(8 + rng.below(24)) {
            body += "    ";
            body += &random_op(rng);
            body += "\n";
        }
        body += "    (local.get $acc))\n";
    }
    case_module(&memories, &body)
}

/// `modules` random modules from `seed`, each program run on a fresh
/// instance of its module.
fn random_programs(seed: u64, modules: usize) -> Result<(), Failed> {
    let mut rng = Rng(seed);
    for n in 0..modules {
        let wat = random_module(&mut rng, 25);
        let original = wat::parse_str(&wat).map_err(|e| format!("module {n}: {e}"))?;
        let pair = Pair::new(&original, true, false)
            .map_err(|e| format!("module {n}: {}", e.message().unwrap_or_default()))?;
        for p in 0..25 {
            differential(&pair, &[format!("p{p}")]).map_err(|e| {
                format!(
                    "seed {seed}, module {n}, program p{p}: {}\n{wat}",
                    e.message().unwrap_or_default()
                )
            })?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// wasm-smith modules.

fn smith_config() -> wasm_smith::Config {
    wasm_smith::Config {
        min_memories: 2,
        max_memories: 3,
        max_memory32_bytes: 4 << 16,
        memory_max_size_required: true,
        memory64_enabled: false,
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        custom_page_sizes_enabled: false,
        relaxed_simd_enabled: false,
        wide_arithmetic_enabled: false,
        max_imports: 0,
        // Functions need types: without a minimum most modules have none.
        min_types: 3,
        min_funcs: 4,
        max_funcs: 12,
        max_tables: 1,
        // Reference types bring `externref`, which needs the GC types meld
        // does not accept.
        reference_types_enabled: false,
        export_everything: true,
        canonicalize_nans: true,
        ..wasm_smith::Config::default()
    }
}

/// `count` wasm-smith modules from `seed`, every exported function called
/// once in export order on one instance per module. Returns (modules
/// compared, calls compared).
fn smith_modules(seed: u64, count: usize) -> Result<(usize, usize), Failed> {
    let mut rng = Rng(seed);
    let (mut modules, mut calls) = (0, 0);
    for n in 0..count {
        let bytes: Vec<u8> = (0..8192).map(|_| rng.next() as u8).collect();
        let mut u = arbitrary::Unstructured::new(&bytes);
        let Ok(module) = wasm_smith::Module::new(smith_config(), &mut u) else {
            continue;
        };
        let original = module.to_bytes();
        let pair = Pair::new(&original, false, true).map_err(|e| {
            format!(
                "smith seed {seed} module {n}: {}",
                e.message().unwrap_or_default()
            )
        })?;
        let names = exported_functions(&pair.original);
        verbose(format_args!(
            "module {n}: {} functions, {} bytes",
            names.len(),
            original.len()
        ));
        calls += differential(&pair, &names).map_err(|e| {
            format!(
                "smith seed {seed} module {n}: {}",
                e.message().unwrap_or_default()
            )
        })?;
        modules += 1;
    }
    Ok((modules, calls))
}

fn smith_count() -> usize {
    std::env::var("MELD_SINGLE_FUZZ")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(150)
}

// ---------------------------------------------------------------------------
// Errors and module-level properties.

/// Modules the pass must refuse, with a fragment of the message.
const ERRORS: &[(&str, &str, &str)] = &[
    (
        "error_shared_memory",
        "(module (memory 1) (memory 1 2 shared))",
        "memory 1 is shared (threads): not supported",
    ),
    (
        "error_memory64",
        "(module (memory 1) (memory i64 1))",
        "memory 1 is 64-bit (memory64): not supported",
    ),
    (
        "error_imported_memory",
        r#"(module (import "env" "mem" (memory 1)) (memory 1))"#,
        "memory env/mem is imported: not supported",
    ),
    (
        "error_data_offset_from_import",
        r#"(module (import "env" "g" (global i32)) (memory 1) (memory 1)
             (data (memory 1) (global.get 0) "x"))"#,
        "its offset reads a global that is not a constant",
    ),
    (
        "error_export_name_taken",
        r#"(module (memory 1) (memory 1) (func (export "memory")))"#,
        "export name `memory` is already exported",
    ),
    (
        "error_too_many_pages",
        "(module (memory 40000) (memory 30000))",
        "add up to 70000 pages",
    ),
    (
        "error_not_a_module",
        "(component)",
        "is a component, not a core module",
    ),
];

fn expect_error(wat: &str, options: &Options, fragment: &str) -> Result<(), Failed> {
    let bytes = wat::parse_str(wat).map_err(|e| format!("{e}"))?;
    match lower(&bytes, options) {
        Ok(_) => Err("lowering succeeded".into()),
        Err(e) if format!("{e:#}").contains(fragment) => Ok(()),
        Err(e) => Err(format!("wrong error: {e:#}").into()),
    }
}

fn options() -> Options {
    Options {
        export_name: MEMORY.to_string(),
        ..Options::default()
    }
}

/// A custom section `name` with `data`, appended to `module`.
fn with_custom(mut module: Vec<u8>, name: &str, data: &[u8]) -> Vec<u8> {
    let mut section = vec![name.len() as u8];
    section.extend_from_slice(name.as_bytes());
    section.extend_from_slice(data);
    module.push(0);
    module.push(section.len() as u8);
    module.extend(section);
    module
}

fn dwarf_is_refused() -> Result<(), Failed> {
    let module = wat::parse_str("(module (memory 1) (memory 1))").map_err(|e| format!("{e}"))?;
    let module = with_custom(module, ".debug_info", b"\x00\x01");
    match lower(&module, &options()) {
        Err(e)
            if e.to_string()
                == "--memory single: the module has DWARF, whose code addresses lowering moves: \
                    lower it without and rewrite them with `Lowered::code`" =>
        {
            Ok(())
        }
        other => Err(format!("unexpected: {other:?}").into()),
    }
}

fn bad_base_globals() -> Result<(), Failed> {
    let wat = r#"(module (memory 1) (memory 1)
        (global (mut i32) (i32.const 0)) (global i32 (i32.const 0)) (global (mut i32) (i32.const 4)))"#;
    let cases: &[(&[u32], &str)] = &[
        (&[0], "1 base globals given for 2 memories"),
        (&[0, 1], "base global 1 of memory 1 is not a mutable i32"),
        (&[0, 2], "base global 2 of memory 1 is not a mutable i32"),
        (&[0, 0], "base global 0 is given for two memories"),
        (&[0, 7], "base global 7 of memory 1 is not a defined global"),
    ];
    for (globals, fragment) in cases {
        let options = Options {
            base_globals: globals.to_vec(),
            ..options()
        };
        expect_error(wat, &options, fragment)?;
    }
    Ok(())
}

/// Without memories the module comes back as it was; the given base
/// globals are used and the bases and pages reported.
fn module_properties() -> Result<(), Failed> {
    let none = wat::parse_str("(module (func (export \"f\")))").map_err(|e| format!("{e}"))?;
    let lowered = lower(&none, &options()).map_err(|e| format!("{e:#}"))?;
    if lowered.module != none || !lowered.bases.is_empty() {
        return Err("a module without memories changed".into());
    }
    let wat = case_module(
        &[(1, None), (2, None), (1, None)],
        "(global $g (mut i32) (i32.const 9))",
    );
    let original = wat::parse_str(&wat).map_err(|e| format!("{e}"))?;
    let with = lowered_with(&original, vec![0, 1, 2])?;
    if with.bases != [0, 1, 2] || with.pages != [4, 6, 8] {
        return Err(format!("bases {:?}, pages {:?}", with.bases, with.pages).into());
    }
    let without = lowered_with(&original, Vec::new())?;
    if without.bases != [4, 7, 10] || without.pages != [5, 8, 11] {
        return Err(format!("bases {:?}, pages {:?}", without.bases, without.pages).into());
    }
    let module = Module::new(engine(false), &with.module).map_err(|e| format!("{e:#}"))?;
    let (mut side, _) = Side::new(&module, None);
    let bases: Vec<_> = (0..3)
        .map(|i| side.i32_global(&format!("base{i}")))
        .collect();
    if bases != [Some(0), Some(65536), Some(3 * 65536)] {
        return Err(format!("initial bases {bases:?}").into());
    }
    Ok(())
}

fn lowered_with(original: &[u8], base_globals: Vec<u32>) -> Result<Lowered, Failed> {
    let options = Options {
        base_globals,
        ..options()
    };
    Ok(lower(original, &options).map_err(|e| format!("{e:#}"))?)
}

/// The name section stays valid: memory names gone, the appended globals
/// and helpers named, the input's names kept.
fn names_are_rewritten() -> Result<(), Failed> {
    let wat = r#"(module (memory $a 1) (memory $b 1) (global $g (mut i32) (i32.const 0))
        (func $grow (result i32) (memory.grow $b (i32.const 1))))"#;
    let original = wat::parse_str(wat).map_err(|e| format!("{e}"))?;
    let lowered = lower(&original, &options()).map_err(|e| format!("{e:#}"))?;
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&lowered.module) {
        let payload = payload.map_err(|e| format!("{e}"))?;
        let wasmparser::Payload::CustomSection(c) = payload else {
            continue;
        };
        let wasmparser::KnownCustom::Name(reader) = c.as_known() else {
            continue;
        };
        for name in reader {
            match name.map_err(|e| format!("{e}"))? {
                wasmparser::Name::Memory(_) => return Err("memory names kept".into()),
                wasmparser::Name::Function(map) | wasmparser::Name::Global(map) => {
                    for naming in map {
                        let naming = naming.map_err(|e| format!("{e}"))?;
                        names.push((naming.index, naming.name.to_string()));
                    }
                }
                _ => {}
            }
        }
    }
    let want = [
        (0, "grow"),
        (1, "meld:region1.grow"),
        (0, "g"),
        (1, "meld:region0.base"),
        (2, "meld:region0.pages"),
        (3, "meld:region0.bytes"),
        (4, "meld:region1.base"),
    ];
    for (index, name) in want {
        if !names.contains(&(index, name.to_string())) {
            return Err(format!("no name {name} for {index}: {names:?}").into());
        }
    }
    Ok(())
}

/// Atomics on non-shared memories lower to valid code (the pinned wasmtime
/// is built without `threads`, so they are validated, not run).
fn atomics_validate() -> Result<(), Failed> {
    let wat = r#"(module (memory 1) (memory 1)
        (func (param i32) (result i64)
          (drop (i32.atomic.load 1 (local.get 0)))
          (i64.atomic.store8 1 (local.get 0) (i64.const 1))
          (drop (i32.atomic.rmw16.add_u 1 (local.get 0) (i32.const 1)))
          (drop (i64.atomic.rmw.cmpxchg 1 (local.get 0) (i64.const 1) (i64.const 2)))
          (drop (i32.atomic.rmw8.cmpxchg_u 1 (local.get 0) (i32.const 1) (i32.const 2)))
          (drop (memory.atomic.notify 1 (local.get 0) (i32.const 1)))
          (drop (memory.atomic.wait32 1 (local.get 0) (i32.const 1) (i64.const 0)))
          (drop (memory.atomic.wait64 1 offset=8 (local.get 0) (i64.const 1) (i64.const 0)))
          (atomic.fence)
          (i64.atomic.rmw32.xchg_u 1 (local.get 0) (i64.const 3))))"#;
    let original = wat::parse_str(wat).map_err(|e| format!("{e}"))?;
    lowered(&original, 2, false)?;
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let mut trials: Vec<Trial> = CASES
        .iter()
        .map(|case| Trial::test(case.name, move || run_case(case)))
        .collect();
    for batch in 0..4u64 {
        trials.push(Trial::test(format!("random_programs_{batch}"), move || {
            random_programs(0x5eed_0000 + batch, (smith_count() / 50).max(3))
        }));
    }
    for batch in 0..2u64 {
        let count = smith_count().div_ceil(2);
        trials.push(Trial::test(format!("wasm_smith_{batch}"), move || {
            let (modules, calls) = smith_modules(0x5317_0000 + batch, count)?;
            if modules * 2 < count {
                return Err(format!("only {modules} of {count} modules generated").into());
            }
            eprintln!("wasm_smith_{batch}: {modules} modules, {calls} calls compared");
            Ok(())
        }));
    }
    for (name, wat, fragment) in ERRORS {
        trials.push(Trial::test(*name, move || {
            expect_error(wat, &options(), fragment)
        }));
    }
    trials.push(Trial::test("error_dwarf", dwarf_is_refused));
    trials.push(Trial::test("error_base_globals", bad_base_globals));
    trials.push(Trial::test("module_properties", module_properties));
    trials.push(Trial::test("names_are_rewritten", names_are_rewritten));
    trials.push(Trial::test("atomics_validate", atomics_validate));
    trials.push(Trial::test("budget_limits_growth", budget_limits_growth));
    trials.push(Trial::test("speed_of_call_heavy_code", speed).with_ignored_flag(true));
    libtest_mimic::run(&args, trials).exit();
}

/// Call-heavy code over two regions, original vs lowered (`--ignored`:
/// prints the time ratio, fails above 1.3x).
fn speed() -> Result<(), Failed> {
    let body = r#"
      (func $get (param i32) (result i32) (i32.load $m1 (local.get 0)))
      (func $put (param i32 i32) (i32.store $m2 offset=4 (local.get 0) (local.get 1)))
      (func $mix (param i32) (result i32)
        (i32.add (call $get (local.get 0)) (i32.load8_u $m0 (local.get 0))))
      (func (export "run") (result i32) (local $i i32) (local $acc i32)
        (loop $l
          (local.set $acc (i32.add (local.get $acc)
            (call $mix (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 0xfff8)))))
          (call $put (i32.and (i32.mul (local.get $i) (i32.const 8)) (i32.const 0xfff0)) (local.get $acc))
          (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 20000000))))
        (local.get $acc))
    "#;
    let wat = case_module(&[(1, None), (1, None), (1, None)], body);
    let original = wat::parse_str(&wat).map_err(|e| format!("{e}"))?;
    let pair = Pair::new(&original, true, false)?;
    let mut times = Vec::new();
    for module in [&pair.original, &pair.lowered] {
        let (mut side, _) = Side::new(module, None);
        side.call("run");
        let start = std::time::Instant::now();
        let outcome = side.call("run");
        times.push((start.elapsed(), outcome));
    }
    let ratio = times[1].0.as_secs_f64() / times[0].0.as_secs_f64();
    eprintln!(
        "original {:?}, lowered {:?}: {ratio:.2}x",
        times[0].0, times[1].0
    );
    compare("run", &times[0].1, &times[1].1)?;
    if ratio > 1.3 {
        return Err(format!("the lowered module is {ratio:.2}x slower").into());
    }
    Ok(())
}

/// A region whose memory declares no maximum grows up to the budget.
fn budget_limits_growth() -> Result<(), Failed> {
    let body = r#"(func (export "grow0") (result i32) (memory.grow $m0 (i32.const 1)))
        (func (export "grow1") (result i32) (memory.grow $m1 (i32.const 2)))"#;
    let original = wat::parse_str(case_module(&[(1, None), (1, Some(5))], body))
        .map_err(|e| format!("{e}"))?;
    let options = Options {
        budget_pages: Some(2),
        ..options()
    };
    let lowered = lower(&original, &options).map_err(|e| format!("{e:#}"))?;
    let module = Module::new(engine(false), &lowered.module).map_err(|e| format!("{e:#}"))?;
    let (mut side, _) = Side::new(&module, None);
    let got: Vec<Outcome> = ["grow0", "grow0", "grow1", "grow1", "grow1"]
        .iter()
        .map(|f| side.call(f))
        .collect();
    let want: Vec<Outcome> = [1u32, u32::MAX, 1, 3, u32::MAX]
        .iter()
        .map(|v| Outcome::Values(vec![u128::from(*v)]))
        .collect();
    compare("growth under a budget of 2 pages", &want, &got)
}
