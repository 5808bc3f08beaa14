//! `meld::tables::lower`, checked by running: every module is run as it
//! is and lowered, under wasmtime, with the same calls; results and trap
//! codes must agree. Hand-written scenarios, a seeded randomized
//! differential test, and the refusals.

use std::sync::OnceLock;

use wasmtime::{Engine, Instance, Module, Store, Trap, Val};

// ---------------------------------------------------------------------
// The module generator: funcref tables with exported accessors.

/// One funcref table of a generated module.
#[derive(Debug, Clone, Copy)]
struct Decl {
    min: u32,
    max: Option<u32>,
}

/// Functions `$f0..$f3` (type `$v`, return 100+k) and `$g0..$g1` (type
/// `$ii`, return x+200+k); `$pick s` is null for 0, `$f(s-1)` for 1..=4,
/// `$g(s-5)` for 5..=6.
const FUNCS: &str = r#"
  (type $v (func (result i32)))
  (type $ii (func (param i32) (result i32)))
  (func $f0 (type $v) i32.const 100)
  (func $f1 (type $v) i32.const 101)
  (func $f2 (type $v) i32.const 102)
  (func $f3 (type $v) i32.const 103)
  (func $g0 (type $ii) local.get 0 i32.const 200 i32.add)
  (func $g1 (type $ii) local.get 0 i32.const 201 i32.add)
  (elem declare func $f0 $f1 $f2 $f3 $g0 $g1)
  (elem $p func $f0 $f1 $g0 $f2 $f3)
  (elem $q funcref (ref.null func) (ref.func $f3) (ref.func $g1))
"#;

/// `$pick`: nested `if`s over the six functions.
fn pick() -> String {
    let targets = ["$f0", "$f1", "$f2", "$f3", "$g0", "$g1"];
    let mut body = "(ref.null func)".to_string();
    for (k, f) in targets.iter().enumerate().rev() {
        body = format!(
            "(if (result funcref) (i32.eq (local.get $s) (i32.const {})) \
             (then (ref.func {f})) (else {body}))",
            k + 1
        );
    }
    format!("  (func $pick (param $s i32) (result funcref) {body})\n")
}

/// The active segment of table `j`: (offset, functions), fitted to `min`.
fn active(j: usize, min: u32) -> (u32, Vec<&'static str>) {
    let (offset, items): (u32, &[&str]) = match j % 3 {
        0 => (0, &["$f0", "$g0", "$f1"]),
        1 => (1, &["$f2", "$f3"]),
        _ => (0, &["$g1", "$f0"]),
    };
    let room = min.saturating_sub(offset) as usize;
    (offset, items.iter().take(room).copied().collect())
}

/// A module with funcref tables `$t0..` as declared (a `(ref null $v)`
/// table `$e`, of another reference type, between the first two when
/// `other`) and accessors for each.
fn wat(tables: &[Decl], other: bool) -> String {
    let mut w = String::from("(module\n");
    w += FUNCS;
    w += &pick();
    for (j, d) in tables.iter().enumerate() {
        let max = d.max.map(|m| format!(" {m}")).unwrap_or_default();
        w += &format!("  (table $t{j} {}{max} funcref)\n", d.min);
        if j == 0 && other {
            w += "  (table $e 2 (ref null $v))\n";
            w += "  (elem (table $e) (i32.const 1) (ref null $v) (ref.func $f1))\n";
        }
    }
    for (j, d) in tables.iter().enumerate() {
        let (offset, items) = active(j, d.min);
        let items = items.join(" ");
        w += &format!("  (elem (table $t{j}) (i32.const {offset}) func {items})\n");
        w += &accessors(j, tables.len());
    }
    if other {
        w += r#"
  (func (export "esize") (result i32) table.size $e)
  (func (export "egrow") (param i32) (result i32) (table.grow $e (ref.func $f2) (local.get 0)))
  (func (export "eget") (param i32) (result i32) (ref.is_null (table.get $e (local.get 0))))
  (func (export "eset") (param i32) (table.set $e (local.get 0) (ref.null $v)))
  (func (export "efill") (param i32 i32) (table.fill $e (local.get 0) (ref.null $v) (local.get 1)))
  (func (export "ecall") (param i32) (result i32) (call_indirect $e (type $v) (local.get 0)))
"#;
    }
    w += r#"  (func (export "drop_p") elem.drop $p)
  (func (export "drop_q") elem.drop $q)
)"#;
    w
}

/// The exported accessors of table `$t{j}` (of `n` tables).
fn accessors(j: usize, n: usize) -> String {
    let mut w = format!(
        r#"
  (func (export "call_v_{j}") (param i32) (result i32) (call_indirect $t{j} (type $v) (local.get 0)))
  (func (export "call_ii_{j}") (param i32 i32) (result i32)
    (call_indirect $t{j} (type $ii) (local.get 1) (local.get 0)))
  (func (export "rcall_v_{j}") (param i32) (result i32)
    (return_call_indirect $t{j} (type $v) (local.get 0)))
  (func (export "local_call_{j}") (param i32) (result i32) (local $x i64) (local $y f32)
    (local.set $x (i64.const 5))
    (block (result i32) (br 0 (call_indirect $t{j} (type $v) (local.get 0))))
    (i32.wrap_i64 (local.get $x)) i32.add)
  (func (export "get_{j}") (param i32) (result i32) (ref.is_null (table.get $t{j} (local.get 0))))
  (func (export "set_{j}") (param i32 i32) (table.set $t{j} (local.get 0) (call $pick (local.get 1))))
  (func (export "size_{j}") (result i32) table.size $t{j})
  (func (export "grow_{j}") (param i32 i32) (result i32)
    (table.grow $t{j} (call $pick (local.get 0)) (local.get 1)))
  (func (export "fill_{j}") (param i32 i32 i32)
    (table.fill $t{j} (local.get 0) (call $pick (local.get 1)) (local.get 2)))
  (func (export "init_{j}") (param i32 i32 i32)
    (table.init $t{j} $p (local.get 0) (local.get 1) (local.get 2)))
  (func (export "initq_{j}") (param i32 i32 i32)
    (table.init $t{j} $q (local.get 0) (local.get 1) (local.get 2)))
"#
    );
    for k in 0..n {
        w += &format!(
            "  (func (export \"copy_{j}_{k}\") (param i32 i32 i32)\n    \
             (table.copy $t{j} $t{k} (local.get 0) (local.get 1) (local.get 2)))\n"
        );
    }
    w
}

// ---------------------------------------------------------------------
// Running.

/// What one call did.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Values(Vec<i32>),
    Trap(Trap),
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::default)
}

/// The error as an outcome: a trap, or a failure of the test.
fn outcome_of(e: wasmtime::Error, what: &str) -> Outcome {
    match e.downcast_ref::<Trap>() {
        Some(t) => Outcome::Trap(*t),
        None => panic!("{what}: not a trap: {e:?}"),
    }
}

/// An instance of a compiled module.
struct Run {
    store: Store<()>,
    instance: Instance,
}

impl Run {
    fn new(module: &Module) -> Result<Run, Outcome> {
        let mut store = Store::new(module.engine(), ());
        match Instance::new(&mut store, module, &[]) {
            Ok(instance) => Ok(Run { store, instance }),
            Err(e) => Err(outcome_of(e, "instantiation")),
        }
    }

    fn call(&mut self, name: &str, args: &[i32]) -> Outcome {
        let func = (self.instance.get_func(&mut self.store, name))
            .unwrap_or_else(|| panic!("no export {name}"));
        let n = func.ty(&self.store).results().len();
        let params: Vec<Val> = args.iter().map(|a| Val::I32(*a)).collect();
        let mut results = vec![Val::I32(0); n];
        match func.call(&mut self.store, &params, &mut results) {
            Ok(()) => Outcome::Values(results.iter().map(|v| v.unwrap_i32()).collect()),
            Err(e) => outcome_of(e, name),
        }
    }

    fn size(&mut self, j: usize) -> u32 {
        match self.call(&format!("size_{j}"), &[]) {
            Outcome::Values(v) => v[0] as u32,
            other => panic!("size_{j}: {other:?}"),
        }
    }
}

/// The original and the lowered module, compiled, with checks on the
/// lowered one's shape.
struct Pair {
    original: Module,
    lowered: Module,
    bytes: Vec<u8>,
}

fn pair(wat: &str) -> Pair {
    let input = wat::parse_str(wat).expect("test module parses");
    let lowered = meld::tables::lower(&input).expect("lowering succeeds");
    let again = meld::tables::lower(&input).expect("lowering succeeds");
    assert_eq!(lowered.module, again.module, "lowering is deterministic");
    assert_eq!(lowered.tables, again.tables, "lowering is deterministic");
    check_shape(&input, &lowered.module);
    Pair {
        original: Module::new(engine(), &input).expect("original compiles"),
        lowered: Module::new(engine(), &lowered.module).expect("lowered compiles"),
        bytes: lowered.module,
    }
}

/// The lowered module validates, has one defined table per element type,
/// keeps every export's function index, and has a readable name section.
fn check_shape(input: &[u8], output: &[u8]) {
    wasmparser::Validator::new_with_features(meld::encode::features())
        .validate_all(output)
        .expect("the lowered module validates");
    let (mut types, mut exports_in, mut exports_out) = (Vec::new(), Vec::new(), Vec::new());
    for (bytes, exports) in [(input, &mut exports_in), (output, &mut exports_out)] {
        for payload in wasmparser::Parser::new(0).parse_all(bytes) {
            match payload.expect("parses") {
                wasmparser::Payload::TableSection(s) if bytes == output => {
                    for t in s {
                        types.push(t.expect("table").ty.element_type);
                    }
                }
                wasmparser::Payload::ExportSection(s) => {
                    for e in s {
                        let e = e.expect("export");
                        exports.push((e.name.to_string(), e.kind, e.index));
                    }
                }
                wasmparser::Payload::CustomSection(c) => {
                    if let wasmparser::KnownCustom::Name(names) = c.as_known() {
                        for n in names {
                            check_names(n.expect("name subsection"));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut unique = types.clone();
    unique.dedup();
    assert_eq!(types.len(), unique.len(), "one table per type: {types:?}");
    assert_eq!(exports_in, exports_out, "exports keep their indices");
}

fn check_names(n: wasmparser::Name<'_>) {
    use wasmparser::Name;
    if let Name::Function(m) | Name::Table(m) | Name::Global(m) = n {
        let mut last = None;
        for naming in m {
            let naming = naming.expect("naming");
            assert!(last < Some(naming.index), "names are in order");
            last = Some(naming.index);
        }
    }
}

/// Every slot of every table (and one past the end), called both ways.
fn dump(run: &mut Run, tables: usize) -> Vec<Outcome> {
    let mut out = Vec::new();
    for j in 0..tables {
        let size = run.size(j);
        out.push(Outcome::Values(vec![size as i32]));
        for i in 0..=size {
            out.push(run.call(&format!("call_v_{j}"), &[i as i32]));
            out.push(run.call(&format!("call_ii_{j}"), &[i as i32, 7]));
        }
    }
    out
}

fn values(v: &[i32]) -> Outcome {
    Outcome::Values(v.to_vec())
}

const OOB: Outcome = Outcome::Trap(Trap::TableOutOfBounds);
const NULL: Outcome = Outcome::Trap(Trap::IndirectCallToNull);
const BAD_SIG: Outcome = Outcome::Trap(Trap::BadSignature);

/// Both instances of a pair, called in lockstep.
struct Both {
    a: Run,
    b: Run,
    tables: usize,
}

impl Both {
    fn new(pair: &Pair, tables: usize) -> Both {
        Both {
            a: Run::new(&pair.original).expect("original instantiates"),
            b: Run::new(&pair.lowered).expect("lowered instantiates"),
            tables,
        }
    }

    /// Calls both; their outcomes must agree.
    fn call(&mut self, name: &str, args: &[i32]) -> Outcome {
        let (x, y) = (self.a.call(name, args), self.b.call(name, args));
        assert_eq!(x, y, "{name}{args:?}: original vs lowered");
        x
    }

    /// Calls both; both must give `expected`.
    fn check(&mut self, name: &str, args: &[i32], expected: Outcome) {
        assert_eq!(self.call(name, args), expected, "{name}{args:?}");
    }

    /// Every table's contents must agree.
    fn same_contents(&mut self) {
        let (x, y) = (
            dump(&mut self.a, self.tables),
            dump(&mut self.b, self.tables),
        );
        assert_eq!(x, y, "table contents: original vs lowered");
    }
}

/// The element types of `bytes`'s defined tables.
fn table_types(bytes: &[u8]) -> Vec<wasmparser::RefType> {
    let mut out = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        if let wasmparser::Payload::TableSection(s) = payload.expect("parses") {
            for t in s {
                out.push(t.expect("table").ty.element_type);
            }
        }
    }
    out
}

/// Names by index.
type Names = Vec<(u32, String)>;

/// The table names and the function names of `bytes`.
fn names(bytes: &[u8]) -> (Names, Names) {
    let (mut tables, mut funcs) = (Vec::new(), Vec::new());
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        if let wasmparser::Payload::CustomSection(c) = payload.expect("parses")
            && let wasmparser::KnownCustom::Name(section) = c.as_known()
        {
            for n in section {
                let (out, map) = match n.expect("subsection") {
                    wasmparser::Name::Table(m) => (&mut tables, m),
                    wasmparser::Name::Function(m) => (&mut funcs, m),
                    _ => continue,
                };
                for naming in map {
                    let naming = naming.expect("naming");
                    out.push((naming.index, naming.name.to_string()));
                }
            }
        }
    }
    (tables, funcs)
}

// ---------------------------------------------------------------------
// Hand-written scenarios.

const HAND: [Decl; 3] = [
    Decl {
        min: 4,
        max: Some(10),
    },
    Decl { min: 3, max: None },
    Decl {
        min: 2,
        max: Some(5),
    },
];

fn hand_pair() -> Pair {
    pair(&wat(&HAND, true))
}

#[test]
fn lowered_has_one_funcref_table_and_keeps_the_other_one() {
    use wasmparser::RefType;
    let p = hand_pair();
    let v = RefType::concrete(
        true,
        wasmparser::PackedIndex::from_module_index(0).expect("$v"),
    );
    assert_eq!(table_types(&p.bytes), [RefType::FUNCREF, v]);
    let (tables, funcs) = names(&p.bytes);
    assert_eq!(
        tables,
        [(1, "e".to_string())],
        "only the unmerged table keeps its name"
    );
    assert_eq!(funcs[0], (0, "f0".to_string()));
    assert!(funcs.iter().any(|(_, n)| n == "table.grow 0"), "{funcs:?}");
}

#[test]
fn call_indirect_through_each_region() {
    let p = hand_pair();
    let mut t = Both::new(&p, 3);
    // t0 = [f0 g0 f1 null], t1 = [null f2 f3], t2 = [g1 f0]
    t.check("call_v_0", &[0], values(&[100]));
    t.check("call_v_0", &[1], BAD_SIG);
    t.check("call_ii_0", &[1, 5], values(&[205]));
    t.check("call_v_0", &[3], NULL);
    t.check("call_v_0", &[4], OOB);
    t.check("call_v_0", &[-1], OOB);
    t.check("call_v_0", &[i32::MIN], OOB);
    t.check("call_v_1", &[0], NULL);
    t.check("call_v_1", &[1], values(&[102]));
    t.check("call_v_1", &[2], values(&[103]));
    t.check("call_v_1", &[3], OOB);
    t.check("call_v_2", &[0], BAD_SIG);
    t.check("call_ii_2", &[0, 1], values(&[202]));
    t.check("call_v_2", &[1], values(&[100]));
    t.check("call_v_2", &[2], OOB);
    t.check("call_ii_2", &[2, 1], OOB);
    t.check("rcall_v_1", &[2], values(&[103]));
    t.check("rcall_v_1", &[3], OOB);
    t.check("rcall_v_0", &[3], NULL);
    t.check("local_call_2", &[1], values(&[105]));
    t.check("local_call_2", &[0], BAD_SIG);
    t.check("local_call_1", &[3], OOB);
    t.same_contents();
}

#[test]
fn get_set_size_and_grow() {
    let p = hand_pair();
    let mut t = Both::new(&p, 3);
    t.check("get_0", &[3], values(&[1]));
    t.check("get_0", &[0], values(&[0]));
    t.check("get_0", &[4], OOB);
    t.check("get_1", &[3], OOB);
    t.check("set_0", &[3, 4], values(&[]));
    t.check("call_v_0", &[3], values(&[103]));
    t.check("set_0", &[4, 1], OOB);
    t.check("set_2", &[2, 1], OOB);
    t.check("call_v_1", &[0], NULL);
    for (j, size) in [4, 3, 2].iter().enumerate() {
        t.check(&format!("size_{j}"), &[], values(&[*size]));
    }
    // Growing region 0 moves regions 1 and 2; their old indices still work.
    t.check("grow_0", &[3, 2], values(&[4]));
    t.check("size_0", &[], values(&[6]));
    t.check("call_v_0", &[4], values(&[102]));
    t.check("call_v_0", &[5], values(&[102]));
    t.check("call_v_0", &[6], OOB);
    t.check("call_v_1", &[1], values(&[102]));
    t.check("call_v_1", &[2], values(&[103]));
    t.check("call_ii_2", &[0, 1], values(&[202]));
    t.check("grow_0", &[0, 4], values(&[6]));
    t.check("grow_0", &[1, 1], values(&[-1]));
    t.check("grow_0", &[1, 0], values(&[10]));
    t.check("call_v_0", &[9], NULL);
    t.check("call_v_0", &[10], OOB);
    t.check("grow_2", &[1, 3], values(&[2]));
    t.check("grow_2", &[1, 1], values(&[-1]));
    t.check("grow_2", &[1, -1], values(&[-1]));
    t.check("call_v_2", &[4], values(&[100]));
    t.check("grow_1", &[2, 2], values(&[3]));
    t.check("call_v_1", &[4], values(&[101]));
    t.check("grow_1", &[0, -1], values(&[-1]));
    t.check("grow_1", &[0, 0], values(&[5]));
    t.same_contents();
}

#[test]
fn fill_copy_init_and_drop() {
    let p = hand_pair();
    let mut t = Both::new(&p, 3);
    t.check("grow_1", &[1, 2], values(&[3]));
    t.check("fill_1", &[0, 4, 2], values(&[]));
    t.check("call_v_1", &[1], values(&[103]));
    t.check("fill_1", &[4, 2, 1], values(&[]));
    t.check("fill_1", &[5, 2, 0], values(&[]));
    t.check("fill_1", &[6, 2, 0], OOB);
    t.check("fill_1", &[4, 3, 2], OOB);
    t.check("call_v_1", &[4], values(&[101]));
    t.check("fill_1", &[0, 3, -1], OOB);
    t.check("fill_0", &[0, 0, 4], values(&[]));
    t.check("call_v_0", &[0], NULL);
    // Copies within a region (both overlaps), across regions, at the end.
    t.check("set_0", &[0, 1], values(&[]));
    t.check("set_0", &[1, 2], values(&[]));
    t.check("copy_0_0", &[1, 0, 3], values(&[]));
    t.check("copy_0_0", &[0, 2, 2], values(&[]));
    t.check("copy_1_2", &[0, 0, 2], values(&[]));
    t.check("copy_2_1", &[0, 3, 2], values(&[]));
    t.check("copy_0_1", &[2, 3, 2], values(&[]));
    t.check("copy_0_1", &[4, 5, 0], values(&[]));
    t.check("copy_0_1", &[5, 0, 0], OOB);
    t.check("copy_0_1", &[0, 6, 0], OOB);
    t.check("copy_1_1", &[0, 0, 6], OOB);
    t.check("copy_2_0", &[1, 3, 2], OOB);
    t.check("copy_2_0", &[0, 2, 2], values(&[]));
    t.same_contents();
    // table.init from a passive segment, and after elem.drop.
    t.check("init_2", &[0, 1, 2], values(&[]));
    t.check("call_ii_2", &[0, 1], BAD_SIG);
    t.check("call_v_2", &[0], values(&[101]));
    t.check("init_2", &[1, 0, 2], OOB);
    t.check("init_2", &[2, 0, 0], values(&[]));
    t.check("init_2", &[3, 0, 0], OOB);
    t.check("init_2", &[0, 5, 0], values(&[]));
    t.check("init_2", &[0, 6, 0], OOB);
    t.check("init_1", &[1, 2, 4], OOB);
    t.check("init_1", &[1, 1, 4], values(&[]));
    t.check("initq_0", &[0, 0, 3], values(&[]));
    t.check("call_v_0", &[0], NULL);
    t.check("call_v_0", &[1], values(&[103]));
    t.check("drop_p", &[], values(&[]));
    t.check("init_2", &[0, 0, 0], values(&[]));
    t.check("init_2", &[0, 0, 1], OOB);
    t.same_contents();
}

#[test]
fn the_table_of_another_type_is_left_alone() {
    let p = hand_pair();
    let mut t = Both::new(&p, 3);
    t.check("esize", &[], values(&[2]));
    t.check("ecall", &[0], NULL);
    t.check("ecall", &[1], values(&[101]));
    t.check("ecall", &[2], OOB);
    t.check("egrow", &[3], values(&[2]));
    t.check("ecall", &[4], values(&[102]));
    t.check("eget", &[4], values(&[0]));
    t.check("eget", &[5], OOB);
    t.check("eset", &[0], values(&[]));
    t.check("efill", &[0, 5], values(&[]));
    t.check("efill", &[1, 5], OOB);
    t.check("grow_0", &[1, 1], values(&[4]));
    t.check("esize", &[], values(&[5]));
    t.same_contents();
}

/// Instantiates `wat` as it is and lowered; both must succeed or both
/// fail with the same trap.
fn same_instantiation(wat: &str) -> Option<Outcome> {
    let p = pair(wat);
    let a = Run::new(&p.original).err();
    let b = Run::new(&p.lowered).err();
    assert_eq!(a, b, "instantiation of {wat}");
    a
}

#[test]
fn active_segments_that_do_not_fit_still_fail_instantiation() {
    let module = |offset: u32, items: &str| {
        format!(
            "(module (table 2 funcref) (table 3 funcref) (table 2 funcref) (func $f)
               (elem (table 0) (i32.const 0) func $f $f)
               (elem (table 1) (i32.const {offset}) func {items})
               (elem (table 2) (i32.const 1) func $f))"
        )
    };
    assert_eq!(same_instantiation(&module(1, "$f $f")), None);
    assert_eq!(same_instantiation(&module(3, "")), None);
    assert_eq!(same_instantiation(&module(2, "$f $f")), Some(OOB));
    assert_eq!(same_instantiation(&module(4, "")), Some(OOB));
    assert_eq!(same_instantiation(&module(u32::MAX, "$f")), Some(OOB));
}

#[test]
fn tables_with_the_same_initialiser_merge() {
    let wat = r#"(module
      (type $v (func (result i32)))
      (func $f0 (type $v) i32.const 100)
      (func $f1 (type $v) i32.const 101)
      (elem declare func $f0 $f1)
      (table $a 2 4 (ref func) (ref.func $f0))
      (table $b 3 (ref func) (ref.func $f0))
      (elem (table $b) (i32.const 1) (ref func) (ref.func $f1))
      (func (export "call_a") (param i32) (result i32) (call_indirect $a (type $v) (local.get 0)))
      (func (export "call_b") (param i32) (result i32) (call_indirect $b (type $v) (local.get 0)))
      (func (export "grow_a") (param i32) (result i32) (table.grow $a (ref.func $f1) (local.get 0)))
      (func (export "size_b") (result i32) (table.size $b)))"#;
    let p = pair(wat);
    assert_eq!(table_types(&p.bytes).len(), 1);
    let mut t = Both::new(&p, 0);
    t.check("call_a", &[1], values(&[100]));
    t.check("call_a", &[2], OOB);
    t.check("call_b", &[0], values(&[100]));
    t.check("call_b", &[1], values(&[101]));
    t.check("grow_a", &[2], values(&[2]));
    t.check("grow_a", &[1], values(&[-1]));
    t.check("call_a", &[3], values(&[101]));
    t.check("call_b", &[2], values(&[100]));
    t.check("call_b", &[3], OOB);
    t.check("size_b", &[], values(&[3]));
}

#[test]
fn modules_without_tables_to_merge_are_unchanged() {
    for wat in [
        "(module)",
        "(module (type (func)) (table 1 funcref) (table 1 (ref null 0)) (func (export \"f\")))",
        "(module (type (func)) (import \"m\" \"t\" (table 1 funcref)) (table 2 funcref)
           (table i64 1 (ref null 0)))",
        "(module (table $t (export \"t\") 1 funcref))",
    ] {
        let input = wat::parse_str(wat).expect("parses");
        let lowered = meld::tables::lower(&input).expect("lowers");
        assert_eq!(lowered.module, input, "{wat}");
    }
}

#[test]
fn imported_tables_keep_their_indices() {
    let wat = r#"(module
      (type $v (func (result i32)))
      (import "m" "t" (table $i 2 funcref))
      (table $a 2 funcref) (table $b 2 funcref)
      (func $f (type $v) i32.const 7)
      (elem (table $b) (i32.const 1) func $f)
      (elem (table $i) (i32.const 0) func $f)
      (func (export "call_i") (param i32) (result i32) (call_indirect $i (type $v) (local.get 0)))
      (func (export "call_b") (param i32) (result i32) (call_indirect $b (type $v) (local.get 0))))"#;
    let input = wat::parse_str(wat).expect("parses");
    let lowered = meld::tables::lower(&input).expect("lowers");
    check_shape(&input, &lowered.module);
    use meld::tables::Placement;
    assert_eq!(lowered.tables[0], Placement::Table(0));
    assert!(matches!(
        lowered.tables[2],
        Placement::Region {
            table: 1,
            base: 2,
            ..
        }
    ));
    let engine = engine();
    for bytes in [&input, &lowered.module] {
        let module = Module::new(engine, bytes).expect("compiles");
        let mut store = Store::new(engine, ());
        let ty = wasmtime::TableType::new(wasmtime::RefType::FUNCREF, 2, None);
        let table = wasmtime::Table::new(&mut store, ty, wasmtime::Ref::Func(None)).expect("table");
        let instance = Instance::new(&mut store, &module, &[table.into()]).expect("instantiates");
        let mut run = Run { store, instance };
        assert_eq!(run.call("call_i", &[0]), values(&[7]));
        assert_eq!(run.call("call_i", &[1]), NULL);
        assert_eq!(run.call("call_b", &[1]), values(&[7]));
        assert_eq!(run.call("call_b", &[2]), OOB);
    }
}

/// The pooling allocator at its default limits (one defined table per
/// module): the original does not load, the lowered module does and runs.
#[test]
fn lowered_module_loads_under_the_pooling_allocator() {
    let wat = wat(&HAND, false);
    let input = wat::parse_str(&wat).expect("parses");
    let lowered = meld::tables::lower(&input).expect("lowers").module;
    let mut config = wasmtime::Config::new();
    let pooling = wasmtime::PoolingAllocationConfig::default();
    config.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(pooling));
    let engine = Engine::new(&config).expect("pooling engine");
    let load = |bytes: &[u8]| -> wasmtime::Result<Run> {
        let module = Module::new(&engine, bytes)?;
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[])?;
        Ok(Run { store, instance })
    };
    let err = load(&input)
        .err()
        .expect("the original exceeds the table limit");
    assert!(format!("{err:?}").contains("tables"), "{err:?}");
    let mut run = load(&lowered).expect("the lowered module loads");
    assert_eq!(run.call("call_v_1", &[2]), values(&[103]));
    assert_eq!(run.call("grow_0", &[1, 3]), values(&[4]));
    assert_eq!(run.call("call_v_1", &[2]), values(&[103]));
    assert_eq!(run.call("call_v_0", &[6]), values(&[100]));
}

// ---------------------------------------------------------------------
// A seeded randomized differential test.

/// splitmix64: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n.max(1))) as u32
    }

    fn pick<T: Copy>(&mut self, of: &[T]) -> T {
        of[self.below(of.len() as u32) as usize]
    }

    /// An index near the interesting places of a table of `size`.
    fn index(&mut self, size: u32) -> i32 {
        let near = [
            0,
            size.wrapping_sub(1),
            size,
            size + 1,
            self.below(size + 3),
            self.below(size + 3),
            u32::MAX,
            0x8000_0000,
        ];
        self.pick(&near) as i32
    }

    /// A length for a bulk operation on a table of `size`.
    fn len(&mut self, size: u32) -> i32 {
        let near = [0, 1, 2, size, self.below(size + 2), u32::MAX];
        self.pick(&near) as i32
    }

    /// A delta for `table.grow` of a table of `size` and `max`.
    fn delta(&mut self, size: u32, max: Option<u32>) -> i32 {
        let room = max.map_or(3, |m| m - size);
        let near = [0, 1, 2, 3, room, room + 1, u32::MAX];
        self.pick(&near) as i32
    }
}

/// One random call on the tables `decls` whose current sizes are `sizes`.
fn random_call(rng: &mut Rng, decls: &[Decl], sizes: &[u32]) -> (String, Vec<i32>) {
    let n = decls.len() as u32;
    let j = rng.below(n) as usize;
    let size = sizes[j];
    let f = rng.below(7) as i32;
    match rng.below(20) {
        0..=3 => (format!("call_v_{j}"), vec![rng.index(size)]),
        4 => (format!("call_ii_{j}"), vec![rng.index(size), 9]),
        5 => (format!("rcall_v_{j}"), vec![rng.index(size)]),
        6 => (format!("get_{j}"), vec![rng.index(size)]),
        7 | 8 => (format!("set_{j}"), vec![rng.index(size), f]),
        9 => (format!("size_{j}"), vec![]),
        10 | 11 => (format!("grow_{j}"), vec![f, rng.delta(size, decls[j].max)]),
        12 | 13 => {
            let (i, len) = (rng.index(size), rng.len(size));
            (format!("fill_{j}"), vec![i, f, len])
        }
        14..=16 => {
            let k = rng.below(n) as usize;
            let (d, s) = (rng.index(size), rng.index(sizes[k]));
            let len = rng.len(size.min(sizes[k]));
            (format!("copy_{j}_{k}"), vec![d, s, len])
        }
        17 | 18 => {
            let which = rng.pick(&["init", "initq"]);
            let (d, s, len) = (rng.index(size), rng.index(3), rng.len(3));
            (format!("{which}_{j}"), vec![d, s, len])
        }
        _ => (rng.pick(&["drop_p", "drop_q"]).to_string(), vec![]),
    }
}

#[test]
fn random_programs_behave_the_same_lowered() {
    let variants: [[Decl; 3]; 2] = [
        [
            Decl {
                min: 4,
                max: Some(8),
            },
            Decl { min: 3, max: None },
            Decl {
                min: 2,
                max: Some(6),
            },
        ],
        [
            Decl {
                min: 0,
                max: Some(3),
            },
            Decl {
                min: 5,
                max: Some(5),
            },
            Decl { min: 1, max: None },
        ],
    ];
    let mut calls = 0;
    for (v, decls) in variants.iter().enumerate() {
        let p = pair(&wat(decls, false));
        for program in 0..150u64 {
            let seed = (v as u64) << 32 | program;
            let mut rng = Rng(seed);
            let mut t = Both::new(&p, decls.len());
            let mut trace = Vec::new();
            for _ in 0..30 {
                let sizes: Vec<u32> = (0..decls.len()).map(|j| t.a.size(j)).collect();
                let (name, args) = random_call(&mut rng, decls, &sizes);
                let (x, y) = (t.a.call(&name, &args), t.b.call(&name, &args));
                trace.push(format!("{name}{args:?} -> {x:?}"));
                assert_eq!(x, y, "seed {seed}: {}", trace.join("\n"));
                calls += 1;
            }
            let (x, y) = (dump(&mut t.a, 3), dump(&mut t.b, 3));
            assert_eq!(x, y, "seed {seed} contents after:\n{}", trace.join("\n"));
        }
    }
    assert_eq!(calls, 2 * 150 * 30);
}

// ---------------------------------------------------------------------
// Refusals: clear errors, no panics.

fn refusal(wat: &str) -> String {
    let input = wat::parse_str(wat).expect("parses");
    let err = meld::tables::lower(&input).expect_err("refused");
    format!("{err:#}")
}

#[test]
fn table64_tables_are_refused() {
    let msg = refusal("(module (table i64 1 funcref) (table i64 2 funcref))");
    assert!(msg.contains("table64"), "{msg}");
    let msg = refusal("(module (table 1 funcref) (table i64 2 funcref))");
    assert!(msg.contains("table 1 is a 64-bit table"), "{msg}");
}

#[test]
fn exported_tables_that_need_merging_are_refused() {
    let msg = refusal("(module (table 1 funcref) (table (export \"tab\") 1 funcref))");
    assert!(msg.contains("exported as `tab`"), "{msg}");
}

#[test]
fn other_refusals() {
    let msg = refusal(
        "(module (func $f) (elem declare func $f)
           (table 1 funcref (ref.func $f)) (table 1 funcref))",
    );
    assert!(msg.contains("different initial values"), "{msg}");
    let msg = refusal(
        "(module (import \"m\" \"g\" (global i32)) (func $f)
           (table 1 funcref) (table 1 funcref) (elem (table 1) (global.get 0) func $f))",
    );
    assert!(msg.contains("element segment 0"), "{msg}");
    for bytes in [&b""[..], b"\0asm", b"\0asm\x01\0\0\0\x04\x01", b"garbage"] {
        let err = meld::tables::lower(bytes).expect_err("invalid input");
        assert!(
            format!("{err:#}").contains("not a valid core module"),
            "{err:#}"
        );
    }
}

// ---------------------------------------------------------------------
// Fused fixtures: meld's own output, several funcref tables (one per core
// instance), lowered and run.

/// The fixture's fused core module runs its `run` export the same way
/// lowered, also under the pooling allocator with its default table limits
/// (memories are raised: the fused module keeps one per instance).
fn fused_fixture_runs_lowered(name: &str) {
    let path = format!("{}/../fixtures/{name}.wasm", env!("CARGO_MANIFEST_DIR"));
    let component = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let fused = meld::Fuser::new().fuse(&component).expect("fuses").bytes;
    let lowered = meld::tables::lower(&fused).expect("lowers");
    check_shape(&fused, &lowered.module);
    assert!(table_types(&fused).len() > 1, "{name} has several tables");
    assert_eq!(table_types(&lowered.module).len(), 1);
    let mut pooling = wasmtime::PoolingAllocationConfig::default();
    pooling.max_memories_per_module(16).total_memories(32);
    let mut config = wasmtime::Config::new();
    config.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(pooling));
    let pooled = Engine::new(&config).expect("pooling engine");
    let run = |engine: &Engine, bytes: &[u8]| -> wasmtime::Result<Outcome> {
        let module = Module::new(engine, bytes)?;
        let mut store = Store::new(engine, ());
        let instance = Instance::new(&mut store, &module, &[])?;
        Ok(Run { store, instance }.call("run", &[]))
    };
    let original = run(engine(), &fused).expect("the original runs");
    assert_eq!(original, values(&[]), "{name}: the original's run");
    assert_eq!(run(engine(), &lowered.module).expect("runs"), original);
    assert!(
        run(&pooled, &fused).is_err(),
        "the original has several tables"
    );
    assert_eq!(
        run(&pooled, &lowered.module).expect("runs pooled"),
        original
    );
}

/// Eight component instances, five funcref tables.
#[test]
fn fused_resource_floats_run_lowered() {
    fused_fixture_runs_lowered("resource_floats");
}

#[test]
fn exception_handling_is_copied_through() {
    let wat = r#"(module
      (type $v (func (result i32)))
      (tag $e (param i32))
      (table $a 1 funcref) (table $b 1 funcref)
      (func $f (type $v) (throw $e (i32.const 7)))
      (elem (table $b) (i32.const 0) func $f)
      (func (export "catch") (result i32)
        (block $h (result i32)
          (try_table (result i32) (catch $e $h) (call_indirect $b (type $v) (i32.const 0))))))"#;
    let input = wat::parse_str(wat).expect("parses");
    let lowered = meld::tables::lower(&input).expect("lowers").module;
    wasmparser::Validator::new_with_features(meld::encode::features_with(true))
        .validate_all(&lowered)
        .expect("the lowered module validates");
    assert_eq!(table_types(&lowered).len(), 1);
}
