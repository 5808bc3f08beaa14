//! meld's source layout, checked: every file of `meld/src` refers only to
//! modules of its own pipeline stage or of a lower one, no two files refer
//! to each other (directly or through others), no function is much longer
//! than a screen and no file holds more than one concern's worth of code.
//!
//! References are the paths a file names: `use crate::…` / `use super::…`
//! (with `{…}` groups) and inline `crate::…` / `super::…` paths outside
//! comments, before any inline test module. A path is resolved to the
//! deepest module file it names; a module declaring its children (`mod x;`)
//! is not a reference.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules by stage, lowest first. A module may refer to
/// modules of its own rank or lower.
const STAGES: &[(&str, u32)] = &[
    ("plan", 0),
    ("error", 0),
    ("encode", 0),
    ("validate", 1),
    ("abi", 1),
    ("transfers", 1),
    ("translate", 2),
    ("runtime", 2),
    ("merge", 3),
    ("single", 4),
    ("tables", 4),
    ("world", 4),
    ("wrap", 4),
];

/// The longest function allowed, in lines.
const MAX_FUNCTION_LINES: usize = 100;
/// The longest file allowed, in lines.
const MAX_FILE_LINES: usize = 500;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file of the library (not the binary), by module path
/// (`crate::a::b`).
fn modules() -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("meld/src is readable") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src()).expect("under src");
            let mut parts: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
                .collect();
            match parts.last().map(String::as_str) {
                Some("main") if parts.len() == 1 => continue,
                Some("lib") if parts.len() == 1 => parts.clear(),
                Some("mod") => {
                    parts.pop();
                }
                _ => {}
            }
            let name = std::iter::once("crate".to_string())
                .chain(parts)
                .collect::<Vec<_>>()
                .join("::");
            out.insert(name, path);
        }
    }
    out
}

/// `text` without comments and string literals (their contents could look
/// like paths).
fn code_only(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let mut in_str = false;
        let mut prev = ' ';
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if in_str {
                if c == '"' && prev != '\\' {
                    in_str = false;
                }
                prev = if prev == '\\' && c == '\\' { ' ' } else { c };
                continue;
            }
            if c == '/' && chars.peek() == Some(&'/') {
                break;
            }
            if c == '"' {
                in_str = true;
                prev = ' ';
                continue;
            }
            out.push(c);
        }
        out.push('\n');
    }
    out
}

/// The module paths `code` names, relative to module `here` whose child
/// modules are `children`: each `crate::…`, `super::…`, `self::…` or
/// `<child>::…` path, with `use` groups expanded.
fn references(code: &str, here: &str, children: &[&str]) -> Vec<Vec<String>> {
    let here: Vec<String> = here.split("::").map(String::from).collect();
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let prev = |n: usize| i.checked_sub(n).map(|j| chars[j]);
        let starts_path = !prev(1).is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
        let rest: String = chars[i..chars.len().min(i + 40)].iter().collect();
        let rooted = ["crate::", "super::", "self::"]
            .iter()
            .any(|p| rest.starts_with(p))
            || children.iter().any(|c| rest.starts_with(&format!("{c}::")));
        if starts_path && rooted {
            let (paths, end) = parse_path(&chars, i);
            for p in paths {
                out.push(absolute(&here, &p));
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Parses the path starting at `chars[start]`, expanding `{…}` groups;
/// returns the paths (as segments) and where parsing stopped.
fn parse_path(chars: &[char], start: usize) -> (Vec<Vec<String>>, usize) {
    let mut prefix = Vec::new();
    let mut i = start;
    loop {
        let begin = i;
        while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
            i += 1;
        }
        if i > begin {
            prefix.push(chars[begin..i].iter().collect::<String>());
        }
        if chars.get(i) == Some(&':') && chars.get(i + 1) == Some(&':') {
            i += 2;
            if chars.get(i) == Some(&'{') {
                let mut out = Vec::new();
                i += 1;
                loop {
                    while chars.get(i).is_some_and(|c| c.is_whitespace() || *c == ',') {
                        i += 1;
                    }
                    match chars.get(i) {
                        Some('}') | None => return (out, i + 1),
                        _ => {}
                    }
                    let (inner, end) = parse_path(chars, i);
                    for p in inner {
                        out.push(prefix.iter().cloned().chain(p).collect());
                    }
                    // Skip `as name` and anything up to the next item.
                    i = end;
                    while chars.get(i).is_some_and(|c| *c != ',' && *c != '}') {
                        i += 1;
                    }
                }
            }
            continue;
        }
        return (vec![prefix], i);
    }
}

/// The absolute form (`crate::…`) of `path` named in module `here`.
fn absolute(here: &[String], path: &[String]) -> Vec<String> {
    let mut base: Vec<String> = here.to_vec();
    let mut rest = path;
    if rest.first().map(String::as_str) == Some("self") {
        rest = &rest[1..];
    }
    if rest.first().map(String::as_str) == Some("crate") {
        base = vec!["crate".to_string()];
        rest = &rest[1..];
    }
    while rest.first().map(String::as_str) == Some("super") {
        base.pop();
        rest = &rest[1..];
    }
    base.extend(rest.iter().filter(|s| *s != "self").cloned());
    base
}

/// The deepest module of `modules` that `path` names.
fn resolve<'a>(modules: &'a BTreeMap<String, PathBuf>, path: &[String]) -> Option<&'a str> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].join("::"))
        .find_map(|m| modules.get_key_value(&m).map(|(k, _)| k.as_str()))
}

/// The stage rank of module `m` (`crate::wrap::shim` → wrap's).
fn rank(m: &str) -> Option<u32> {
    let top = m.split("::").nth(1)?;
    STAGES.iter().find(|(s, _)| *s == top).map(|(_, r)| *r)
}

/// Every reference between two distinct library files.
fn edges() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, path) in &modules {
        let text = std::fs::read_to_string(path).expect("source is readable");
        // Inline test modules (`#[cfg(test)] mod tests`) are not followed:
        // their `super` is the file itself.
        let text = text
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
        let code = code_only(text);
        let prefix = format!("{name}::");
        let children: Vec<&str> = (modules.keys())
            .filter_map(|m| m.strip_prefix(&prefix))
            .filter(|rest| !rest.contains("::"))
            .collect();
        let set = edges.entry(name.clone()).or_default();
        for r in references(&code, name, &children) {
            if let Some(target) = resolve(&modules, &r)
                && target != name
                && target != "crate"
            {
                set.insert(target.to_string());
            }
        }
    }
    edges
}

#[test]
fn every_top_level_module_has_a_stage() {
    for name in modules().keys().filter(|m| m.matches("::").count() == 1) {
        assert!(rank(name).is_some(), "{name} is not listed in STAGES");
    }
}

#[test]
fn lower_stages_never_refer_to_higher_ones() {
    let mut wrong = Vec::new();
    for (from, tos) in edges() {
        for to in tos {
            if let (Some(a), Some(b)) = (rank(&from), rank(&to))
                && b > a
            {
                wrong.push(format!("{from} -> {to}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "references to higher stages:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_file_refers_back_to_itself() {
    let edges = edges();
    // Depth-first search for a cycle; report one cycle's files.
    fn visit(
        m: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|s| s == m) {
            return Some(stack[at..].iter().cloned().chain([m.to_string()]).collect());
        }
        if done.contains(m) {
            return None;
        }
        stack.push(m.to_string());
        for next in edges.get(m).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in edges.keys() {
        if let Some(cycle) = visit(m, &edges, &mut Vec::new(), &mut done) {
            panic!(
                "files refer to each other in a cycle: {}",
                cycle.join(" -> ")
            );
        }
    }
}

#[test]
fn files_and_functions_are_short() {
    let mut long = Vec::new();
    for (name, path) in modules() {
        let text = std::fs::read_to_string(&path).expect("source is readable");
        let lines: Vec<&str> = text.lines().collect();
        // Tests inside a file do not count against its length.
        let body = lines
            .iter()
            .position(|l| l.trim() == "#[cfg(test)]")
            .unwrap_or(lines.len());
        if body > MAX_FILE_LINES {
            long.push(format!("{name}: {body} lines"));
        }
        for (i, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let is_fn = ["fn ", "pub fn ", "pub(crate) fn ", "pub(super) fn "]
                .iter()
                .any(|p| trimmed.starts_with(p));
            if !is_fn || trimmed.ends_with(';') {
                continue;
            }
            let close = format!("{}}}", " ".repeat(indent));
            let end = lines[i..]
                .iter()
                .position(|l| *l == close)
                .map_or(lines.len() - i, |n| n + 1);
            if end > MAX_FUNCTION_LINES {
                let fname = trimmed.split('(').next().unwrap_or(trimmed);
                long.push(format!("{name}: `{fname}` is {end} lines"));
            }
        }
    }
    assert!(long.is_empty(), "too long:\n{}", long.join("\n"));
}
