//! Target (c): generated compositions. A fuzz input describes a chain of
//! one to three components, a *leaf* that lifts functions and up to two
//! *forwarders*, each lowering the functions of the component below and
//! lifting them again with its own canonical options; the top component's
//! functions are the root exports (as functions, or as an exported
//! interface `fuzz:gen/api`).
//!
//! What varies ([`Composition::generate`]):
//! - the functions' types: any mix of the canonical ABI's value types
//!   (named records, variants, enums and flags, strings, lists, tuples,
//!   options, results), up to 20 parameters (more than 16 flat values:
//!   passed through memory), results of any size (more than one flat
//!   value: returned through memory);
//! - per component and function, the string encoding (utf8, utf16,
//!   latin1+utf16), whether `memory`/`realloc` are given when not needed,
//!   and whether a `post-return` function is;
//! - the bodies: *honest* ones ([`wat`]) pass every argument on, return a
//!   generated value from a data segment (leaf) and record each argument,
//!   post-return argument and realloc call in a running hash; or, per
//!   component, wasm-smith bodies of the same core signatures ([`smith`]),
//!   which may call the lowered imports with anything, loop, trap or
//!   scribble on memory.
//!
//! Every component also exports `digest: func() -> u64` (its hash combined
//! with a hash of its whole memory), re-exported at the root as
//! `digest-c<k>`, so the differential run ([`run`]) observes each
//! component's state after each call, not only the results.

pub mod run;
pub mod smith;
pub mod types;
pub mod values;
pub mod wat;

use crate::finding::{Finding, catch_panic, fuse_and_validate, validate};
use arbitrary::{Result, Unstructured};
use types::{Ty, Types};
use values::Encoding;
use wasmtime::component::Val;

/// A component function's type.
#[derive(Debug, Clone)]
pub struct Signature {
    /// Parameter types (named `p<i>`).
    pub params: Vec<Ty>,
    /// The result type, if any.
    pub result: Option<Ty>,
}

/// The canonical options of one `canon lift` or `canon lower`.
#[derive(Debug, Clone)]
pub struct Options {
    /// `string-encoding=`.
    pub encoding: Encoding,
    /// Whether `memory` is given.
    pub memory: bool,
    /// Whether `realloc` is given.
    pub realloc: bool,
    /// Lift only.
    pub post_return: bool,
}

/// One component of the chain.
#[derive(Debug, Clone)]
pub struct Component {
    /// Per function: how it is lifted.
    pub lifts: Vec<Options>,
    /// Per function: how the function of the component below is lowered
    /// (forwarders only; empty for the leaf).
    pub lowers: Vec<Options>,
    /// Leaf only, per function: the value its honest body returns.
    pub returns: Vec<Option<Val>>,
    /// A wasm-smith module with the same exports as the honest bodies, and
    /// per function whether it is lifted from there.
    pub smith: Option<Vec<u8>>,
    /// Per function: lifted from the wasm-smith module.
    pub from_smith: Vec<bool>,
    /// Start value of the component's running hash.
    pub seed: u64,
    /// A second instance of the component below (same definition,
    /// instantiated again: separate state), not a definition of its own.
    pub again: bool,
}

/// Where the top component's functions are exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    /// Root functions `f<i>` (and types `t<j>`).
    Functions,
    /// One exported instance, [`INTERFACE`].
    Interface,
}

/// The name of the interface [`Root::Interface`] exports.
pub const INTERFACE: &str = "fuzz:gen/api";

/// A generated composition.
#[derive(Debug, Clone)]
pub struct Composition {
    /// The named types.
    pub types: Types,
    /// The functions every component passes on (`f<i>`).
    pub funcs: Vec<Signature>,
    /// `components[0]` is the leaf, the last is the top.
    pub components: Vec<Component>,
    /// How the top component's functions are exported.
    pub root: Root,
}

impl Composition {
    /// Draws a composition from `u`.
    pub fn generate(u: &mut Unstructured<'_>) -> Result<Composition> {
        let types = Types::generate(u, 5)?;
        let mut funcs = Vec::new();
        for _ in 0..u.int_in_range(1..=4)? {
            let n = if u.ratio(1, 6)? {
                u.int_in_range(8..=20)?
            } else {
                u.int_in_range(0..=4)?
            };
            let mut params = Vec::new();
            for _ in 0..n {
                params.push(types.ty(u, 2)?);
            }
            let result = if u.ratio(4, 5)? {
                Some(types.ty(u, 3)?)
            } else {
                None
            };
            funcs.push(Signature { params, result });
        }
        let count = *u.choose(&[1, 2, 2, 2, 3, 3])?;
        let smith_allowed = u.ratio(1, 3)?;
        let mut components: Vec<Component> = Vec::new();
        for k in 0..count {
            let mut c = Component {
                lifts: Vec::new(),
                lowers: Vec::new(),
                returns: Vec::new(),
                smith: None,
                from_smith: Vec::new(),
                seed: u.arbitrary()?,
                again: false,
            };
            if k >= 2 && u.ratio(1, 3)? {
                // The forwarder below, instantiated a second time.
                let mut again = components[k - 1].clone();
                again.again = true;
                components.push(again);
                continue;
            }
            for sig in &funcs {
                let needs = needs(&types, sig);
                c.lifts
                    .push(options(u, needs.lift_memory, needs.lift_realloc, true)?);
                if k > 0 {
                    let lower = options(u, needs.lower_memory, needs.lower_realloc, false)?;
                    // An honest forwarder hands its strings on as they are:
                    // lifted in the encoding they were lowered in.
                    c.lifts.last_mut().unwrap().encoding = lower.encoding;
                    c.lowers.push(lower);
                } else {
                    let mut budget = 300;
                    c.returns.push(match &sig.result {
                        Some(t) => Some(values::value(&types, u, t, &mut budget)?),
                        None => None,
                    });
                }
            }
            if smith_allowed && u.ratio(1, 2)? {
                c.from_smith = (0..funcs.len())
                    .map(|_| u.arbitrary())
                    .collect::<Result<_>>()?;
                if c.from_smith.iter().any(|s| *s) {
                    c.smith = Some(smith::module(u, &types, &funcs, k > 0)?);
                }
            }
            if c.smith.is_none() {
                c.from_smith = vec![false; funcs.len()];
            }
            components.push(c);
        }
        let root = if u.ratio(1, 3)? {
            Root::Interface
        } else {
            Root::Functions
        };
        Ok(Composition {
            types,
            funcs,
            components,
            root,
        })
    }

    /// The composition in the component text format.
    pub fn wat(&self) -> String {
        wat::composition(self)
    }

    /// What the root function `f<i>` returns when every component lifts it
    /// with an honest body.
    pub fn expected(&self, scope: Option<&str>, name: &str) -> Option<Vec<Val>> {
        let in_scope = match self.root {
            Root::Functions => scope.is_none(),
            Root::Interface => scope == Some(INTERFACE),
        };
        let i: usize = name.strip_prefix('f')?.parse().ok()?;
        if !in_scope || i >= self.funcs.len() || self.components.iter().any(|c| c.from_smith[i]) {
            return None;
        }
        Some(self.components[0].returns[i].iter().cloned().collect())
    }
}

/// Which canonical options a signature requires.
pub struct Needs {
    /// Lifting needs `memory`.
    pub lift_memory: bool,
    /// Lifting needs `realloc`.
    pub lift_realloc: bool,
    /// Lowering needs `memory`.
    pub lower_memory: bool,
    /// Lowering needs `realloc`.
    pub lower_realloc: bool,
}

/// The options `sig` requires when lifted and lowered.
pub fn needs(types: &Types, sig: &Signature) -> Needs {
    let params_ptr = sig.params.iter().any(|t| types.has_pointers(t));
    let result_ptr = sig.result.as_ref().is_some_and(|t| types.has_pointers(t));
    let spill_params = flat_params(types, sig).len() > 16;
    let spill_result = flat_result(types, sig).len() > 1;
    let memory = params_ptr || result_ptr || spill_params || spill_result;
    Needs {
        lift_memory: memory,
        lift_realloc: params_ptr || spill_params,
        lower_memory: memory,
        lower_realloc: result_ptr,
    }
}

/// The flattened parameters of `sig` (before spilling).
pub fn flat_params(types: &Types, sig: &Signature) -> Vec<types::Core> {
    sig.params.iter().flat_map(|t| types.flat(t)).collect()
}

/// The flattened result of `sig` (before spilling).
pub fn flat_result(types: &Types, sig: &Signature) -> Vec<types::Core> {
    sig.result.as_ref().map_or(Vec::new(), |t| types.flat(t))
}

fn options(u: &mut Unstructured<'_>, memory: bool, realloc: bool, lift: bool) -> Result<Options> {
    let memory = memory || u.ratio(1, 4)?;
    Ok(Options {
        encoding: Encoding::arbitrary(u)?,
        memory,
        realloc: realloc || (memory && u.ratio(1, 4)?),
        post_return: lift && u.ratio(1, 2)?,
    })
}

/// What one input did, for the smoke test's tally.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// meld's error, when it refused the composition.
    pub rejected: Option<String>,
    /// The differential run, when meld fused it.
    pub report: Option<run::Report>,
}

/// The property: the composition `data` describes fuses without a panic;
/// `Ok` outputs validate; under wasmtime the fused component instantiates
/// and behaves as the composed one ([`run::differential`]).
pub fn check(data: &[u8]) -> std::result::Result<Outcome, Finding> {
    let mut u = Unstructured::new(data);
    let Ok(composition) = Composition::generate(&mut u) else {
        return Ok(Outcome::default());
    };
    check_composition(&composition, &mut u)
}

/// The static half of [`check`], without wasmtime (fast: the smoke test
/// runs many more of these): the composition `data` describes assembles
/// and validates, fuses without a panic, and `Ok` outputs validate.
/// Returns meld's error if it refused the composition.
pub fn check_static(data: &[u8]) -> std::result::Result<Option<String>, Finding> {
    let mut u = Unstructured::new(data);
    let Ok(composition) = Composition::generate(&mut u) else {
        return Ok(None);
    };
    let composed = assemble(&composition)?;
    if fuse_and_validate(&composed)?.multi.is_some() {
        return Ok(None);
    }
    Ok(meld::Fuser::new()
        .component(true)
        .fuse(&composed)
        .err()
        .map(|e| format!("{e:#}")))
}

fn assemble(composition: &Composition) -> std::result::Result<Vec<u8>, Finding> {
    let text = composition.wat();
    let composed = ::wat::parse_str(&text).map_err(|e| {
        Finding::Generator(format!("the generated text does not assemble: {e}\n{text}"))
    })?;
    validate(&composed).map_err(|e| {
        Finding::Generator(format!("the generated composition is invalid: {e}\n{text}"))
    })?;
    Ok(composed)
}

/// [`check`] for a composition already generated; arguments are drawn from
/// `u`.
pub fn check_composition(
    composition: &Composition,
    u: &mut Unstructured<'_>,
) -> std::result::Result<Outcome, Finding> {
    let composed = assemble(composition)?;
    check_component(&composed, u, &|s, n| composition.expected(s, n))
}

/// The property of [`check`] for any component binary `composed` (a
/// regression input, say): arguments drawn from `u`.
pub fn check_component(
    composed: &[u8],
    u: &mut Unstructured<'_>,
    expected: &dyn Fn(Option<&str>, &str) -> Option<Vec<Val>>,
) -> std::result::Result<Outcome, Finding> {
    let fused = fuse_and_validate(composed)?;
    let Some(multi) = fused.multi else {
        let error = catch_panic(|| meld::Fuser::new().component(true).fuse(composed))?
            .err()
            .map(|e| format!("{e:#}"));
        return Ok(Outcome {
            rejected: error,
            report: None,
        });
    };
    // The same arguments for both memory modes.
    let rest = u.bytes(u.len()).unwrap_or_default();
    let report = run::differential(composed, &multi, &mut Unstructured::new(rest), expected)?;
    if let Some(single) = fused.single {
        run::differential(composed, &single, &mut Unstructured::new(rest), expected).map_err(
            |f| match f {
                Finding::Mismatch(m) => Finding::Mismatch(format!("--memory single: {m}")),
                other => other,
            },
        )?;
    }
    Ok(Outcome {
        rejected: None,
        report: Some(report),
    })
}
