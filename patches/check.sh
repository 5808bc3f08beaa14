#!/usr/bin/env bash
# patches/check.sh: applies the opaque-rep patch series to the pinned
# wit-bindgen crates and proves it equivalent to wit-bindgen-opaque.
#
#   bash patches/check.sh                 # the whole check (CI runs this)
#   bash patches/check.sh --prepare DIR   # only steps 1-2, into DIR/src, for
#                                         # editing the series (README.md)
#
# Steps (each fails loudly; exit 0 only when all of them pass):
#   1. the pinned crates (wit-bindgen, wit-bindgen-rust, wit-bindgen-rust-macro
#      0.61.1) from cargo's registry cache (`cargo fetch` through the package
#      registry when missing), laid out as upstream's repository lays them
#      out, committed in a scratch git repository (tag `published`), plus one
#      scaffolding commit (tag `scaffold`: a workspace root, and the
#      dev-dependency that publishing strips);
#   2. `git am` of patches/*.patch;
#   3. the patched crates' own tests: wit-bindgen-rust's `codegen` test, the
#      wit-bindgen runtime's unit tests and the `opaque_rep` doctest (the
#      series' tests must be among those run);
#   4. equivalence: for every opted-in world of the project's tests and
#      fixtures, the patched generator's formatted output equals
#      wit-bindgen-opaque's, up to the differences listed in
#      harness/src/equiv.rs (D1-D3) and README.md; and with nothing opted in
#      they are equal as they are;
#   5. guests built with the patched wit-bindgen for wasm32 (the `fixtures`
#      toolchain: rustup's wasm32 target, or Debian's via
#      fixtures/toolchain.sh): the intermediate of each case in OPAQUE_CASES,
#      its source mapped mechanically from wit-bindgen-opaque to the series'
#      names (see map_source), with that case's runner and leaf; and the
#      series' upstream-layout runtime test (tests/runtime/*). Each is
#      composed like a fixture, run under wasmtime, fused with meld
#      (`--component`) and run again; the runners trap on any wrong value.
#
# Scratch space: $PATCHES_SCRATCH if set (kept, its target directories reused
# by the next run), else a fresh temporary directory removed on success.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
VERSION=0.61.1
# The opted-in fixture cases whose intermediate is rebuilt with the series.
OPAQUE_CASES="resource_floats_opaque resource_with_lists_opaque resource_import_and_export_opaque"

step() { printf '\n==> %s\n' "$*"; }
fail() { printf '\ncheck.sh: FAILED: %s\n' "$*" >&2; exit 1; }
trap 'printf "\ncheck.sh: FAILED (line %s: %s)\n" "$LINENO" "$BASH_COMMAND" >&2' ERR

prepare_only=""
if [ "${1:-}" = "--prepare" ]; then
    [ -n "${2:-}" ] || fail "--prepare needs a directory"
    prepare_only=1
    SCRATCH="$2"
elif [ -n "${1:-}" ]; then
    fail "unknown argument \`$1\` (usage: check.sh [--prepare DIR])"
elif [ -n "${PATCHES_SCRATCH:-}" ]; then
    SCRATCH="$PATCHES_SCRATCH"
else
    SCRATCH="$(mktemp -d /tmp/wit-bindgen-patches.XXXXXX)"
    remove_scratch=1
fi
mkdir -p "$SCRATCH"
SCRATCH="$(cd "$SCRATCH" && pwd)"
SRC="$SCRATCH/src"
# Nothing from the caller's environment may redirect or alter our builds.
unset CARGO_TARGET_DIR RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS RUSTC RUSTC_WRAPPER CARGO_BUILD_TARGET
for tool in git cargo diff; do
    command -v "$tool" >/dev/null || fail "\`$tool\` not found"
done
ls "$HERE"/*.patch >/dev/null 2>&1 || fail "no patches/*.patch"

# --- 1. the pinned crates, as published -------------------------------------
step "1. wit-bindgen $VERSION crates from cargo's registry"
registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"
find_crate() {
    local dir
    for dir in "$registry"/*/"$1-$VERSION"; do
        if [ -f "$dir/Cargo.toml" ]; then echo "$dir"; return 0; fi
    done
    return 1
}
if ! { find_crate wit-bindgen && find_crate wit-bindgen-rust && find_crate wit-bindgen-rust-macro; } >/dev/null; then
    echo "not all in $registry; fetching the workspace's dependencies"
    (cd "$ROOT" && cargo fetch --locked)
fi
# (crate, its path in upstream's repository: `path_in_vcs` of .cargo_vcs_info.json)
layout="wit-bindgen:crates/guest-rust wit-bindgen-rust:crates/rust wit-bindgen-rust-macro:crates/guest-rust/macro"
rm -rf "$SRC"
mkdir -p "$SRC"
for entry in $layout; do
    crate="${entry%%:*}" path="${entry#*:}"
    dir="$(find_crate "$crate")" || fail "$crate $VERSION is not in cargo's registry ($registry) even after \`cargo fetch\`"
    grep -q "\"path_in_vcs\": \"$path\"" "$dir/.cargo_vcs_info.json" \
        || fail "$crate $VERSION: expected upstream path $path in $dir/.cargo_vcs_info.json"
    mkdir -p "$SRC/$path"
    cp -R "$dir/." "$SRC/$path/"
    echo "$crate $VERSION -> $path"
done
find "$SRC" -name .cargo-ok -delete
git_() { git -C "$SRC" -c user.name=check.sh -c user.email=check.sh@localhost -c commit.gpgsign=false "$@"; }
git_ init -q
git_ add -A
git_ commit -qm "wit-bindgen $VERSION crates as published on crates.io"
git_ tag published
cat > "$SRC/Cargo.toml" <<'EOF'
# Scaffolding (patches/check.sh): build the published crates as one workspace,
# as upstream's repository does, so that they use each other rather than their
# crates.io copies; `harness` is patches/harness.
[workspace]
resolver = "2"
members = ["crates/rust", "crates/guest-rust", "crates/guest-rust/macro", "harness"]
exclude = ["guests"]

[patch.crates-io]
wit-bindgen = { path = "crates/guest-rust" }
wit-bindgen-rust = { path = "crates/rust" }
wit-bindgen-rust-macro = { path = "crates/guest-rust/macro" }
EOF
cat >> "$SRC/crates/rust/Cargo.toml" <<'EOF'

# Scaffolding (patches/check.sh): publishing strips path-only dev-dependencies;
# upstream's crates/rust/Cargo.toml has this one, which tests/codegen.rs uses.
[dev-dependencies.wit-bindgen]
path = "../guest-rust"
features = ["async"]
EOF
printf '/harness\n/guests\n/Cargo.lock\n' > "$SRC/.gitignore"
git_ add -A
git_ commit -qm "scaffolding: one workspace for the published crates (not part of the series)"
git_ tag scaffold

# --- 2. the series ------------------------------------------------------------
step "2. git am patches/*.patch"
git_ am -q "$HERE"/*.patch || fail "the series does not apply to the published crates"
git_ log --oneline scaffold..HEAD
if [ -n "$prepare_only" ]; then
    echo
    echo "prepared: $SRC (series = scaffold..HEAD; refresh with"
    echo "  git -C $SRC format-patch -o $HERE scaffold..HEAD)"
    exit 0
fi

# --- 3. the patched crates' own tests ------------------------------------------
step "3. the patched crates' tests"
cp -R "$HERE/harness" "$SRC/harness"
# Start from the project's lock file, so the same dependency versions are used.
cp "$ROOT/Cargo.lock" "$SRC/Cargo.lock"
host_target="$SCRATCH/target-host"
cargo_host() { (cd "$SRC" && cargo "$@" --target-dir "$host_target"); }
# `name ... ok` lines that the series' tests must produce.
expect_tests() {
    local log="$1"; shift
    local t
    for t in "$@"; do
        grep -q "^test $t \.\.\. ok$" "$log" || fail "test \`$t\` did not run and pass (see $log)"
    done
}
run_tests() { # log cargo-test-args...
    local log="$1"; shift
    cargo_host test "$@" > "$log" 2>&1 || { tail -40 "$log"; fail "\`cargo test $*\` failed (log: $log)"; }
    grep -E '^(test |test result)' "$log"
}
run_tests "$SCRATCH/test-codegen.log" -p wit-bindgen-rust --test codegen
expect_tests "$SCRATCH/test-codegen.log" \
    opaque_export_resources::opaque_reps_have_the_layout_of_their_u32 \
    opaque_export_resources::opted_in_resources_get_opaque_wrappers \
    opaque_export_resources::selectors_naming_no_exported_resource_are_errors
run_tests "$SCRATCH/test-runtime.log" -p wit-bindgen --lib
expect_tests "$SCRATCH/test-runtime.log" \
    rt::opaque_rep::tests::taken_rep_is_taken_once \
    rt::opaque_rep::tests::borrowed_rep_lends_the_rep_in_place
run_tests "$SCRATCH/test-doc.log" -p wit-bindgen --doc opaque_rep
grep -Eq '^test (crates/guest-rust/)?src/lib.rs - opaque_rep .* \.\.\. ok$' "$SCRATCH/test-doc.log" \
    || fail "the \`opaque_rep\` doctest did not run and pass (see $SCRATCH/test-doc.log)"
# The option is documented where users look for `generate!` options.
grep -q '^///     opaque_export_resources: \[' "$SRC/crates/guest-rust/src/lib.rs" \
    || fail "\`opaque_export_resources\` is missing from \`generate!\`'s documented options"

# --- 4. equivalence with wit-bindgen-opaque ------------------------------------
step "4. patched generator vs wit-bindgen-opaque, on every opted-in world"
cargo_host build -q -p harness
harness="$host_target/debug/harness"
(cd "$ROOT" && cargo build --locked -q -p wit-bindgen-opaque-gen -p fixtures -p meld)
main_target="$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
[ -x "$main_target/debug/wit-bindgen-opaque" ] || fail "wit-bindgen-opaque was not built at $main_target/debug"
"$harness" equiv --root "$ROOT" --reference "$main_target/debug/wit-bindgen-opaque" --out-dir "$SCRATCH/equiv"

# --- 5. guests built with the patched wit-bindgen, composed and fused ----------
step "5. guests built with the patched wit-bindgen (wasm32), composed, run, fused, run"
TARGET=wasm32-unknown-unknown
wasm_cargo=()
wasm_env=()
libdir="$(rustc --print target-libdir --target "$TARGET" 2>/dev/null || true)"
if [ -n "$libdir" ] && ls "$libdir"/libstd-* >/dev/null 2>&1; then
    wasm_cargo=(cargo build)
    echo "wasm toolchain: rustup's $(rustc -V)"
elif [ -x /usr/bin/rustc ] && [ -x /usr/bin/cargo ] && [ -d /usr/lib/rustlib/src/rust/library ] && command -v wasm-ld >/dev/null; then
    wasm_cargo=(/usr/bin/cargo build -Zbuild-std=std,panic_abort)
    wasm_env=(RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld)
    echo "wasm toolchain: Debian's $(/usr/bin/rustc -V)"
else
    fail "no toolchain can build wasm32 guests: neither rustup's $TARGET target nor Debian's rustc-web route (run fixtures/toolchain.sh)"
fi

G="$SRC/guests"
rm -rf "$G"
mkdir -p "$G"
members=()
# Every guest depends on the patched crates only (never on wit-bindgen-opaque).
guest_manifest() { # dir package [lib-path]
    cat > "$1/Cargo.toml" <<EOF
[package]
name = "$2"
edition.workspace = true
version.workspace = true
publish.workspace = true

[lib]
crate-type = ["cdylib"]
path = "${3:-src/lib.rs}"

[dependencies]
wit-bindgen.workspace = true
EOF
}
# wit-bindgen-opaque's names -> the series' names. Any other mention of
# wit_bindgen_opaque left in the source is an error.
map_source() { # from to
    sed -e 's/wit_bindgen_opaque::generate!/wit_bindgen::generate!/' \
        -e 's/^\( *\)opaque_reps:/\1opaque_export_resources:/' \
        -e 's/wit_bindgen_opaque::opaque_rep/wit_bindgen::opaque_rep/g' "$1" > "$2"
    ! grep -n 'wit_bindgen_opaque\|opaque_reps' "$2" || fail "$1: cannot be mapped to the series' names"
}
# A fixture case: its own WIT and intermediate; runner and leaf from reuse.txt.
compositions=()
for case in $OPAQUE_CASES; do
    dir="$ROOT/fixtures/$case"
    [ -f "$dir/intermediate/src/lib.rs" ] || fail "fixture case $case has no intermediate"
    mkdir -p "$G/$case/intermediate/src"
    cp -R "$dir/wit" "$G/$case/wit"
    guest_manifest "$G/$case/intermediate" "$case-intermediate"
    map_source "$dir/intermediate/src/lib.rs" "$G/$case/intermediate/src/lib.rs"
    members+=("$case/intermediate")
    cores=()
    for role in runner intermediate leaf; do
        from="$case"
        if [ "$role" != intermediate ]; then
            from="$(sed -n "s/^$role[[:space:]]\+\([^[:space:]#]*\).*/\1/p" "$dir/reuse.txt")"
            [ -n "$from" ] || fail "fixture case $case does not reuse a $role (reuse.txt)"
            if [ ! -d "$G/$from/$role" ]; then
                mkdir -p "$G/$from/$role"
                cp -R "$ROOT/fixtures/$from/$role/src" "$G/$from/$role/src"
                cp "$ROOT/fixtures/$from/$role/Cargo.toml" "$G/$from/$role/Cargo.toml"
                [ -d "$G/$from/wit" ] || cp -R "$ROOT/fixtures/$from/wit" "$G/$from/wit"
                members+=("$from/$role")
            fi
        fi
        cores+=("$(echo "$from-$role" | tr - _).wasm")
    done
    compositions+=("$case ${cores[*]}")
done
# The series' runtime tests, in upstream's tests/runtime layout: each
# `<role>.rs` is built against the bindings the patched generator writes for
# world `<role>` of test.wit with that file's `//@ args`. The runner's `main`
# is called from a `run` export (the fixtures' convention) of a world that
# includes `runner`.
for t in "$SRC"/tests/runtime/*/; do
    t="${t%/}" name="$(basename "$t")"
    [ -f "$t/test.wit" ] || fail "runtime test $name has no test.wit"
    mkdir -p "$G/runtime/$name/wit"
    cp "$t/test.wit" "$G/runtime/$name/wit/test.wit"
    printf '\nworld runner-harness {\n  include runner;\n  export run: func();\n}\n' >> "$G/runtime/$name/wit/test.wit"
    cores=()
    for role in runner intermediate leaf; do
        [ -f "$t/$role.rs" ] || fail "runtime test $name has no $role.rs"
        c="$G/runtime/$name/$role"
        mkdir -p "$c"
        guest_manifest "$c" "runtime-$name-$role" lib.rs
        printf 'fn main() {\n    println!("cargo:rustc-env=BINDINGS={}/bindings.rs", std::env::var("CARGO_MANIFEST_DIR").unwrap());\n}\n' > "$c/build.rs"
        args="$(sed -n "s/^\/\/@ args = '\(.*\)'$/\1/p" "$t/$role.rs")"
        world="$role"
        echo "include!(\"$t/$role.rs\");" > "$c/lib.rs"
        if [ "$role" = runner ]; then
            world=runner-harness
            printf 'struct Harness;\nimpl Guest for Harness {\n    fn run() {\n        main()\n    }\n}\nexport!(Harness);\n' >> "$c/lib.rs"
        fi
        # shellcheck disable=SC2086 # `//@ args` are words
        "$harness" generate "$G/runtime/$name/wit" --world "$world" $args -o "$c/bindings.rs"
        members+=("runtime/$name/$role")
        cores+=("runtime_${name}_$role.wasm")
    done
    compositions+=("runtime-$name ${cores[*]}")
done
{
    echo "# Generated by patches/check.sh: guests built with the patched wit-bindgen."
    echo "[workspace]"
    echo "resolver = \"3\""
    printf 'members = [\n'
    printf '    "%s",\n' "${members[@]}"
    printf ']\n\n'
    cat <<EOF
[workspace.package]
edition = "2024"
version = "0.0.0"
publish = false

[workspace.dependencies]
wit-bindgen = { version = "=$VERSION", default-features = false, features = ["macros", "realloc", "std", "bitflags"] }

[patch.crates-io]
wit-bindgen = { path = "../crates/guest-rust" }
wit-bindgen-rust = { path = "../crates/rust" }
wit-bindgen-rust-macro = { path = "../crates/guest-rust/macro" }

[profile.release]
panic = "abort"
opt-level = "s"
debug = false
strip = "debuginfo"
codegen-units = 1
lto = true
EOF
} > "$G/Cargo.toml"
cp "$ROOT/fixtures/Cargo.lock" "$G/Cargo.lock"
wasm_target="$SCRATCH/target-wasm"
(cd "$G" && env "${wasm_env[@]}" "${wasm_cargo[@]}" --release --target "$TARGET" --workspace --target-dir "$wasm_target")
out="$wasm_target/$TARGET/release"
# None of the guests may have used wit-bindgen-opaque: only the patched crates.
(cd "$G" && cargo tree --workspace --target "$TARGET" --prefix none -e normal 2>/dev/null | grep -q wit-bindgen-opaque) \
    && fail "a guest depends on wit-bindgen-opaque"
(cd "$G" && cargo tree --workspace --target "$TARGET" --prefix none -e normal,build 2>/dev/null | grep -q "wit-bindgen-rust v$VERSION ($SRC/crates/rust)") \
    || fail "the guests were not built with the patched wit-bindgen-rust"

fixtures_bin="$main_target/debug/fixtures"
meld_bin="$main_target/debug/meld"
runs=0
for c in "${compositions[@]}"; do
    read -r name runner intermediate leaf <<<"$c"
    composed="$SCRATCH/$name.wasm" fused="$SCRATCH/$name.fused.wasm"
    echo "--- $name"
    "$fixtures_bin" compose -o "$composed" "$out/$runner" "$out/$intermediate" "$out/$leaf"
    "$fixtures_bin" run "$composed"
    "$meld_bin" fuse "$composed" -o "$fused" --component
    "$fixtures_bin" run "$fused"
    runs=$((runs + 2))
done
[ "$runs" -gt 0 ] || fail "no composition was run"

step "all checks passed: $(ls "$HERE"/*.patch | wc -l) patches applied; codegen, runtime and doc tests; equivalence; $runs runs (composed and fused)"
if [ -n "${remove_scratch:-}" ]; then rm -rf "$SCRATCH"; fi
exit 0
