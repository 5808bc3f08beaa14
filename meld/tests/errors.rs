//! The malformed-input corpus: every `tests/errors/<case>.{wasm,wat}` is
//! given to the `meld` binary (`meld fuse --component`, plus the arguments
//! in `tests/errors/<case>.args` where there is one), which must fail
//! with the exit code and the first line of the error that
//! `tests/errors/<case>.err` holds (`exit <code>`, then the line), and must
//! not write the output file. `BLESS=1` rewrites the `.err` files (review
//! the diff: each was checked by hand).
//!
//! The cases cover each kind of failure: not WebAssembly (empty, an ELF
//! header, broken text), invalid components (a core module, bad versions,
//! truncations of a fixture at several offsets, invalid function bodies,
//! also in a module never instantiated, a lift whose core type does not
//! match), and valid components using what meld does not support
//! (async, error-context, fixed-length lists, maps, GC, 64-bit memories in
//! canonical options, imported core modules, host imports nested too deep).

use anyhow::{Context, Result, ensure};
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() -> Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/errors");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    cases.retain(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("wasm" | "wat")));
    cases.sort();
    ensure!(cases.len() >= 20, "the corpus lost cases: {cases:?}");
    let trials = cases
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            Trial::test(format!("errors::{name}"), move || {
                check(&path).map_err(|e| Failed::from(format!("{e:#}")))
            })
        })
        .collect();
    libtest_mimic::run(&Arguments::from_args(), trials).exit()
}

fn check(input: &Path) -> Result<()> {
    let out = std::env::temp_dir().join(format!(
        "meld-errors-{}-{}.wasm",
        std::process::id(),
        input.file_stem().unwrap_or_default().to_string_lossy()
    ));
    let _ = std::fs::remove_file(&out);
    let extra = std::fs::read_to_string(input.with_extension("args")).unwrap_or_default();
    let run = Command::new(env!("CARGO_BIN_EXE_meld"))
        .args(["fuse", "--component"])
        .args(extra.split_whitespace())
        .arg(input)
        .arg("-o")
        .arg(&out)
        .output()?;
    ensure!(
        !out.exists(),
        "meld wrote {} although it failed",
        out.display()
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    let first = stderr.lines().next().unwrap_or_default();
    let got = format!("exit {}\n{first}\n", run.status.code().unwrap_or(-1));
    let expected_path = input.with_extension("err");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&expected_path, &got)?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(&expected_path)
        .with_context(|| format!("reading {}", expected_path.display()))?;
    ensure!(got == expected, "got:\n{got}expected:\n{expected}");
    Ok(())
}
