//! The `meld` command line as a user meets it: exit codes (0, 1 for the
//! input, 2 for usage), outputs written atomically (a failed run leaves an
//! existing output untouched), `-` for stdin and stdout, and `--help`
//! documenting the exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn meld(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_meld"))
        .args(args)
        .output()
        .expect("running meld")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(name)
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("meld-cli-{}-{name}", std::process::id()))
}

#[test]
fn fuses_a_fixture_and_overwrites_the_output() {
    let out = temp("ok.wasm");
    std::fs::write(&out, b"old").unwrap();
    let input = fixture("scalars.wasm");
    let run = meld(&["fuse", input.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let bytes = std::fs::read(&out).unwrap();
    assert!(wasmparser::Parser::is_core_wasm(&bytes));
    std::fs::remove_file(&out).unwrap();
}

#[test]
fn a_failed_run_leaves_the_existing_output_untouched() {
    let input = temp("bad.wat");
    std::fs::write(&input, "(module)").unwrap();
    let out = temp("kept.wasm");
    std::fs::write(&out, b"previous contents").unwrap();
    let run = meld(&["fuse", input.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.starts_with("error: invalid component:"), "{stderr}");
    assert_eq!(std::fs::read(&out).unwrap(), b"previous contents");
    let leftovers: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("kept.wasm.meld-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    std::fs::remove_file(&out).unwrap();
    std::fs::remove_file(&input).unwrap();
}

#[test]
fn an_unwritable_output_is_an_input_output_error() {
    let input = fixture("scalars.wasm");
    let run = meld(&[
        "fuse",
        input.to_str().unwrap(),
        "-o",
        "/nonexistent-dir/x.wasm",
    ]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.starts_with("error: writing /nonexistent-dir/x.wasm"),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_with_2() {
    assert_eq!(meld(&["fuse"]).status.code(), Some(2));
    assert_eq!(meld(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn help_documents_the_exit_codes() {
    let run = meld(&["--help"]);
    let help = String::from_utf8_lossy(&run.stdout);
    assert!(
        help.contains("Exit codes: 0 success; 1 a problem with the input"),
        "{help}"
    );
    assert!(help.contains("3 an internal error"), "{help}");
}

#[test]
fn stdin_to_stdout() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_meld"))
        .args(["fuse", "--component", "-", "-o", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = std::fs::read(fixture("strings.wasm")).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let run = child.wait_with_output().unwrap();
    assert_eq!(run.status.code(), Some(0));
    assert!(wasmparser::Parser::is_component(&run.stdout));
}

/// Whether a core module has a custom section named `name`.
fn has_section(module: &[u8], name: &str) -> bool {
    wasmparser::Parser::new(0)
        .parse_all(module)
        .any(|p| matches!(p, Ok(wasmparser::Payload::CustomSection(c)) if c.name() == name))
}

/// `--debug-info` keeps DWARF by default and with `keep`, drops it with
/// `strip` (names and producers stay), and refuses other values as a usage
/// error.
#[test]
fn debug_info_keep_is_the_default_and_strip_drops_dwarf() {
    let input = fixture("c_debug.wasm");
    let input = input.to_str().unwrap();
    for (args, dwarf) in [
        (&[][..], true),
        (&["--debug-info", "keep"][..], true),
        (&["--debug-info", "strip"][..], false),
    ] {
        let out = temp("debug.wasm");
        let mut all = vec!["fuse", input, "-o", out.to_str().unwrap()];
        all.extend_from_slice(args);
        let run = meld(&all);
        assert_eq!(
            run.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let bytes = std::fs::read(&out).unwrap();
        assert_eq!(has_section(&bytes, ".debug_info"), dwarf, "{args:?}");
        assert_eq!(has_section(&bytes, ".debug_line"), dwarf, "{args:?}");
        assert!(has_section(&bytes, "name"), "{args:?}");
        assert!(has_section(&bytes, "producers"), "{args:?}");
        std::fs::remove_file(&out).unwrap();
    }
    let out = temp("never.wasm");
    let run = meld(&[
        "fuse",
        input,
        "-o",
        out.to_str().unwrap(),
        "--debug-info",
        "some",
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(!out.exists());
}

/// The number of memories `module` defines.
fn memories(module: &[u8]) -> u32 {
    (wasmparser::Parser::new(0).parse_all(module))
        .find_map(|p| match p {
            Ok(wasmparser::Payload::MemorySection(s)) => Some(s.count()),
            _ => None,
        })
        .unwrap_or(0)
}

#[test]
fn memory_single_gives_one_memory_and_checks_its_options() {
    let input = fixture("lists.wasm");
    let input = input.to_str().unwrap();
    let out = temp("single.wasm");
    let out_path = out.to_str().unwrap();
    for (args, want) in [
        // The runner's memory and the leaf's.
        (&[][..], 2),
        (&["--memory", "multi"][..], 2),
        (&["--memory", "single"][..], 1),
        (&["--memory", "single", "--memory-budget", "64MiB"][..], 1),
    ] {
        let mut all = vec!["fuse", input, "-o", out_path];
        all.extend_from_slice(args);
        let run = meld(&all);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(0), "{args:?}: {stderr}");
        let module = std::fs::read(&out).unwrap();
        assert_eq!(memories(&module), want, "{args:?}");
        std::fs::remove_file(&out).unwrap();
    }
    // Usage errors: a budget that is not a whole number of pages, a unit
    // that is none, more than 4 GiB, a budget without single mode, a mode
    // that does not exist.
    for args in [
        &["--memory", "single", "--memory-budget", "100KiB"][..],
        &["--memory", "single", "--memory-budget", "64MB"][..],
        &["--memory", "single", "--memory-budget", "5GiB"][..],
        &["--memory-budget", "64MiB"][..],
        &["--memory", "one"][..],
    ] {
        let mut all = vec!["fuse", input, "-o", out_path];
        all.extend_from_slice(args);
        let run = meld(&all);
        assert_eq!(run.status.code(), Some(2), "{args:?}");
        assert!(!out.exists(), "{args:?}");
    }
    // DWARF is carried in single mode too.
    let debug = fixture("c_debug.wasm");
    let run = meld(&[
        "fuse",
        debug.to_str().unwrap(),
        "-o",
        out_path,
        "--memory",
        "single",
    ]);
    assert_eq!(run.status.code(), Some(0));
    let module = std::fs::read(&out).unwrap();
    assert_eq!(memories(&module), 1);
    assert!(has_section(&module, ".debug_info"));
    std::fs::remove_file(&out).unwrap();
}

/// The version of `package` recorded in the workspace's `Cargo.lock`.
fn locked_version(package: &str) -> String {
    let lock = std::fs::read_to_string(fixture("../Cargo.lock")).unwrap();
    let at = lock
        .find(&format!("name = \"{package}\"\nversion = \""))
        .unwrap_or_else(|| panic!("{package} is not in Cargo.lock"));
    let rest = &lock[at..];
    let start = rest.find("version = \"").unwrap() + "version = \"".len();
    rest[start..start + rest[start..].find('"').unwrap()].to_string()
}

#[test]
fn version_names_the_wasmtime_environ_it_follows() {
    let run = meld(&["--version"]);
    assert_eq!(run.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&run.stdout);
    let environ = locked_version("wasmtime-environ");
    assert_eq!(
        stdout.trim(),
        format!(
            "meld {} (follows wasmtime-environ {environ})",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn output_goes_to_stdout_without_o_and_as_text_with_t() {
    let input = fixture("strings.wasm");
    let input = input.to_str().unwrap();
    let file = temp("to-file.wasm");
    let to_file = meld(&["fuse", input, "-o", file.to_str().unwrap()]);
    assert_eq!(to_file.status.code(), Some(0));
    let binary = std::fs::read(&file).unwrap();
    std::fs::remove_file(&file).unwrap();
    // Not a terminal here: the binary goes to stdout.
    let to_stdout = meld(&["fuse", input]);
    assert_eq!(
        to_stdout.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&to_stdout.stderr)
    );
    assert_eq!(to_stdout.stdout, binary);
    // `-t`: the same module in the text format.
    let text = meld(&["fuse", input, "-t"]);
    assert_eq!(text.status.code(), Some(0));
    let text = String::from_utf8(text.stdout).expect("text output is UTF-8");
    assert!(
        text.starts_with("(module"),
        "{}",
        &text[..40.min(text.len())]
    );
    let reparsed = wat::parse_str(&text).expect("the text output parses");
    wasmparser::Validator::new_with_features(meld::encode::features())
        .validate_all(&reparsed)
        .expect("the text output is a valid module");
    assert_eq!(memories(&reparsed), memories(&binary));
}

#[test]
fn inspect_json_has_the_documented_fields() {
    let input = fixture("resource_floats_opaque.wasm");
    let run = meld(&["inspect", "--json", input.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0));
    let plan: serde_json::Value = serde_json::from_slice(&run.stdout).expect("JSON");
    assert_eq!(plan["format"], 1);
    assert_eq!(plan["component_instances"], 8);
    for list in [
        "modules",
        "core_instances",
        "intrinsics",
        "memories",
        "reallocs",
        "post_returns",
        "host_imports",
        "resources",
        "exports",
    ] {
        assert!(plan[list].is_array(), "{list}");
    }
    let run_export = &plan["exports"][0];
    assert_eq!(run_export["name"], "run");
    assert_eq!(run_export["type"], "func()");
    assert_eq!(run_export["options"]["string_encoding"], "utf8");
    // The re-exporter opted in to opaque reps for exactly one resource,
    // held by at least two instances' tables.
    let resources = plan["resources"].as_array().unwrap();
    let opaque: Vec<_> = resources.iter().filter(|r| r["opaque"] == true).collect();
    assert_eq!(opaque.len(), 1);
    assert!(opaque[0]["held_by"].as_array().unwrap().len() >= 2);
    assert!(opaque[0]["name"].is_string());
    // The text form says the same.
    let text = meld(&["inspect", input.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("opaque reps: yes"));
}
