//! The `wit-bindgen-opaque` command line: `--check` passes on the checked-in
//! bindings it wrote (`wit-bindgen-opaque/tests/bindings/reexporter.rs`,
//! compiled by that crate's `checked_in_bindings` test) and fails on a stale
//! copy.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(out: &Path, check: bool) -> Output {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wit-bindgen-opaque"));
    cmd.arg(dir.join("wit"))
        .args(["--world", "reexporter", "--opaque-rep", "test:shapes/outer/cell"])
        .args(["--default-bindings-module", "crate::bindings", "-o"])
        .arg(out);
    if check {
        cmd.arg("--check");
    }
    cmd.output().expect("running wit-bindgen-opaque")
}

fn checked_in() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/bindings/reexporter.rs")
}

#[test]
fn checked_in_bindings_are_current() {
    let out = run(&checked_in(), true);
    assert!(
        out.status.success(),
        "tests/bindings/reexporter.rs is stale; regenerate it with the command in this test without --check: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn check_fails_on_a_stale_file_and_writing_fixes_it() {
    let path = std::env::temp_dir().join(format!("wit-bindgen-opaque-cli-{}.rs", std::process::id()));
    let mut stale = std::fs::read_to_string(checked_in()).unwrap();
    stale.push_str("// edited by hand\n");
    std::fs::write(&path, &stale).unwrap();

    let out = run(&path, true);
    assert!(!out.status.success(), "--check accepted a stale file");
    assert!(String::from_utf8_lossy(&out.stderr).contains("is stale"));

    assert!(run(&path, false).status.success());
    assert!(run(&path, true).status.success(), "--check rejected what the tool just wrote");
    std::fs::remove_file(&path).unwrap();
}
