//! The run time of `--memory single` against `--memory multi` and the
//! unfused composition.
//!
//! `cargo bench -p meld --bench memory_modes [-- CASE...]` takes each
//! fixture (by default: cross-component calls of scalars and strings, list
//! copies, resource churn through a re-exporter), fuses it with
//! `--component` in both memory modes, and calls its `run` export
//! repeatedly in one instance of each of the three forms, all on the same
//! wasmtime `Engine`. It prints the median time of one `run` (of
//! [`ROUNDS`] rounds of [`CALLS`] calls) per form and the ratios. The
//! issue's target: single within 1.15× of multi, both well below the
//! composition.

use std::time::{Duration, Instant};
use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Engine, Store};

/// Fixtures whose `run` is a loop over cross-component calls, repeatable.
const CASES: [&str; 5] = [
    "scalars",
    "strings",
    "lists",
    "resource_with_lists",
    "resource_import_and_export_opaque",
];

/// Rounds per form (the median is reported).
const ROUNDS: usize = 9;
/// Calls of `run` per round.
const CALLS: u32 = 20;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let cases: Vec<&str> = if args.is_empty() {
        CASES.to_vec()
    } else {
        args.iter().map(String::as_str).collect()
    };
    let mut config = Config::new();
    config.wasm_component_model(true).wasm_multi_memory(true);
    let engine = Engine::new(&config)?;
    println!(
        "{:<36} {:>12} {:>12} {:>12} {:>13} {:>15}",
        "case", "composed", "multi", "single", "single/multi", "composed/single"
    );
    for case in cases {
        let input = fixtures::case(case)?.read_wasm()?;
        let fuse = |memory| {
            meld::Fuser::new()
                .component(true)
                .memory(memory)
                .fuse(&input)
                .map(|f| f.bytes)
        };
        let multi = fuse(meld::merge::Memory::Multi)?;
        let single = fuse(meld::merge::Memory::Single)?;
        let times = [&input, &multi, &single].map(|c| time(&engine, c));
        let [composed, multi, single] = [&times[0], &times[1], &times[2]].map(|t| match t {
            Ok(d) => d.as_secs_f64(),
            Err(_) => f64::NAN,
        });
        for t in &times {
            if let Err(e) = t {
                eprintln!("{case}: {e:#}");
            }
        }
        println!(
            "{case:<36} {:>10.1}µs {:>10.1}µs {:>10.1}µs {:>12.2}× {:>14.2}×",
            composed * 1e6,
            multi * 1e6,
            single * 1e6,
            single / multi,
            composed / single
        );
    }
    Ok(())
}

/// The median time of one call of `run` in one instance of `component`.
fn time(engine: &Engine, component: &[u8]) -> anyhow::Result<Duration> {
    let component = Component::new(engine, component)?;
    let linker = Linker::new(engine);
    let mut store = Store::new(engine, ());
    let instance = linker.instantiate(&mut store, &component)?;
    let run = instance.get_typed_func::<(), ()>(&mut store, "run")?;
    let call = |store: &mut Store<()>| -> anyhow::Result<()> { Ok(run.call(&mut *store, ())?) };
    call(&mut store)?;
    let mut rounds = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let start = Instant::now();
        for _ in 0..CALLS {
            call(&mut store)?;
        }
        rounds.push(start.elapsed() / CALLS);
    }
    rounds.sort();
    Ok(rounds[ROUNDS / 2])
}
