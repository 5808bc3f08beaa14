//! Fusing debug builds with DWARF kept and stripped: time and peak heap.
//!
//! `cargo bench -p meld --bench debug_info [-- FILE...]` fuses each input
//! (by default the debug fixtures, `fixtures/debug_trap.wasm` and
//! `fixtures/c_debug.wasm`) to a core module with `--debug-info strip` and
//! with `--debug-info keep`, several times each, and prints the median
//! wall time, the peak heap the fusion allocated above what was live before
//! it (a counting global allocator), and the output size. The issue's
//! targets for a ≥ 10 MB unoptimised input: strip ≤ 0.12 s, keep ≤ 0.4 s,
//! peak memory ≤ 2× the input.

use meld::merge::DebugInfo;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The system allocator, counting live and peak bytes.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            if new_size >= layout.size() {
                let grow = new_size - layout.size();
                let live = LIVE.fetch_add(grow, Ordering::Relaxed) + grow;
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs per measurement (the median is reported).
const RUNS: usize = 7;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures");
    let inputs = if args.is_empty() {
        vec![
            format!("{fixtures}/debug_trap.wasm"),
            format!("{fixtures}/c_debug.wasm"),
        ]
    } else {
        args
    };
    println!(
        "{:<22} {:>9} {:>9} | {:>8} {:>9} {:>9} | {:>8} {:>9} {:>9}",
        "input", "size", "dwarf", "strip s", "peak", "out", "keep s", "peak", "out"
    );
    for path in inputs {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
        let name = std::path::Path::new(&path)
            .file_name()
            .map_or(path.clone(), |n| n.to_string_lossy().into_owned());
        let strip = measure(&bytes, DebugInfo::Strip);
        let keep = measure(&bytes, DebugInfo::Keep);
        println!(
            "{name:<22} {:>9} {:>9} | {:>8.3} {:>9} {:>9} | {:>8.3} {:>9} {:>9}",
            mib(bytes.len()),
            mib(dwarf_bytes(&bytes)),
            strip.time.as_secs_f64(),
            ratio(strip.peak, bytes.len()),
            mib(strip.out),
            keep.time.as_secs_f64(),
            ratio(keep.peak, bytes.len()),
            mib(keep.out),
        );
    }
}

struct Measured {
    time: Duration,
    peak: usize,
    out: usize,
}

/// The median time of [`RUNS`] fusions, the largest peak, the output size.
fn measure(input: &[u8], debug_info: DebugInfo) -> Measured {
    let mut times = Vec::new();
    let mut peak = 0;
    let mut out = 0;
    for _ in 0..RUNS {
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let start = Instant::now();
        let fused = meld::Fuser::new()
            .debug_info(debug_info)
            .fuse(input)
            .expect("the input fuses");
        times.push(start.elapsed());
        peak = peak.max(PEAK.load(Ordering::Relaxed) - before);
        out = fused.bytes.len();
    }
    times.sort();
    Measured {
        time: times[RUNS / 2],
        peak,
        out,
    }
}

/// The bytes of every core module's `.debug_*` sections.
fn dwarf_bytes(component: &[u8]) -> usize {
    let mut total = 0;
    for payload in wasmparser::Parser::new(0).parse_all(component) {
        if let Ok(wasmparser::Payload::CustomSection(c)) = payload
            && c.name().starts_with(".debug_")
        {
            total += c.data().len();
        }
    }
    total
}

fn mib(bytes: usize) -> String {
    format!("{:.2} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn ratio(peak: usize, input: usize) -> String {
    format!("{:.2}x", peak as f64 / input as f64)
}
