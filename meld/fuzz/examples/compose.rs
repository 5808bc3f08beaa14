//! Prints the composition a smoke-test seed (or a fuzz input file) of the
//! `compositions` target generates, as text, then checks it and prints the
//! outcome.
//!
//! ```sh
//! cargo run -p meld-fuzz --example compose -- seed 9 > /tmp/c.wat
//! cargo run -p meld-fuzz --example compose -- file crash-<hash> > /tmp/c.wat
//! ```

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data = match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("seed"), Some(n)) => meld_fuzz::seed::bytes(n.parse().expect("a seed number"), 8192),
        (Some("file"), Some(path)) => std::fs::read(path).expect("a readable file"),
        _ => {
            eprintln!("usage: compose (seed N | file PATH)");
            std::process::exit(2);
        }
    };
    let mut u = arbitrary::Unstructured::new(&data);
    let composition = meld_fuzz::compose::Composition::generate(&mut u).expect("a composition");
    println!("{}", composition.wat());
    match meld_fuzz::compose::check_composition(&composition, &mut u) {
        Ok(outcome) => eprintln!("ok: {outcome:?}"),
        Err(finding) => {
            eprintln!("{finding}");
            std::process::exit(1);
        }
    }
}
