//! Runs fuzz inputs (crash files from `cargo fuzz`) through their target's
//! property outside libFuzzer, printing each finding and a count of the
//! distinct ones (numbers blanked).
//!
//! ```sh
//! cargo run -p meld-fuzz --example triage -- mutated_fixtures meld/fuzz/artifacts/mutated_fixtures/*
//! ```
//!
//! With `MELD_FUZZ_WRITE=DIR`, each mutated fixture is also written to
//! `DIR/<input name>.wasm`.

use std::collections::BTreeMap;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((target, files)) = args.split_first() else {
        eprintln!("usage: triage (fuse_bytes|mutated_fixtures|compositions) FILE...");
        std::process::exit(2);
    };
    let mut kinds: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for file in files {
        let data = std::fs::read(file).expect("a readable file");
        let result = match target.as_str() {
            "fuse_bytes" => meld_fuzz::fuse_bytes::check(&data),
            "mutated_fixtures" => {
                // MELD_FUZZ_WRITE=DIR: also write each mutated fixture there.
                if let Ok(dir) = std::env::var("MELD_FUZZ_WRITE") {
                    let name = std::path::Path::new(file).file_name().unwrap();
                    let (_, _, bytes) = meld_fuzz::mutated::mutate(&data);
                    std::fs::write(
                        std::path::Path::new(&dir).join(name).with_extension("wasm"),
                        bytes,
                    )
                    .expect("writing the mutated fixture");
                }
                meld_fuzz::mutated::check(&data)
            }
            "compositions" => meld_fuzz::compose::check(&data).map(drop),
            other => panic!("unknown target {other}"),
        };
        let line = match result {
            Ok(()) => "no finding".to_string(),
            Err(f) => f.to_string(),
        };
        println!("{file}: {}", line.lines().next().unwrap_or(""));
        let kind: String = line
            .lines()
            .next()
            .unwrap_or("")
            .split("; fixture")
            .next()
            .unwrap()
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect::<String>()
            .split('#')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("#");
        kinds.entry(kind).or_default().push(file);
    }
    for (kind, files) in &kinds {
        println!("{:5} {kind}\n      e.g. {}", files.len(), files[0]);
    }
}
