//! What a fuzz oracle reports when meld misbehaves, and the means to catch
//! it: panics caught with their message and location, outputs validated
//! independently of meld.

use std::cell::RefCell;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// A property an oracle checks did not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// meld panicked (message and location).
    Panic(String),
    /// meld returned `Ok` with an output that does not validate.
    InvalidOutput(String),
    /// meld returned `Ok` for a binary input that does not validate.
    AcceptedInvalid(String),
    /// The composed component and its fused form behaved differently
    /// (compiling, instantiating, or calling an export).
    Mismatch(String),
    /// The generator itself produced something wrong (an invalid
    /// composition, or one that does not return the value it was built to
    /// return when run composed): a bug in this crate, not in meld.
    Generator(String),
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::Panic(m) => write!(f, "meld panicked: {m}"),
            Finding::InvalidOutput(m) => write!(f, "meld's Ok output does not validate: {m}"),
            Finding::AcceptedInvalid(m) => write!(f, "meld fused an invalid input: {m}"),
            Finding::Mismatch(m) => write!(f, "composed and fused differ: {m}"),
            Finding::Generator(m) => write!(f, "generator bug (not meld's): {m}"),
        }
    }
}

thread_local! {
    /// While [`catch_panic`] runs on this thread: the last panic's location.
    static CATCHING: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

/// Runs `f`, turning a panic into [`Finding::Panic`] with its message and
/// location. Panics caught this way are not printed; other panics (on other
/// threads, or outside `catch_panic`) go to the previous hook. Under
/// libFuzzer, whose hook aborts on any panic, a panic inside `f` aborts
/// before this sees it, which is what a fuzz target wants.
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, Finding> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let caught = CATCHING.with(|c| {
                let mut c = c.borrow_mut();
                match c.as_mut() {
                    Some(slot) => {
                        *slot = info
                            .location()
                            .map(|l| format!("{}:{}", l.file(), l.line()));
                        true
                    }
                    None => false,
                }
            });
            if !caught {
                previous(info);
            }
        }));
    });
    CATCHING.with(|c| *c.borrow_mut() = Some(None));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    let location = CATCHING.with(|c| c.borrow_mut().take()).flatten();
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "(non-string panic payload)".to_string());
        Finding::Panic(format!(
            "{message} (at {})",
            location.as_deref().unwrap_or("unknown location")
        ))
    })
}

/// The features meld's outputs are checked against: wasm 3.0 and the
/// component model without GC and exceptions, the set the pinned wasmtime
/// (built without `gc`) runs.
pub fn features() -> wasmparser::WasmFeatures {
    use wasmparser::WasmFeatures as F;
    let mut features = F::WASM3 | F::COMPONENT_MODEL;
    features.remove(F::GC | F::GC_TYPES | F::EXCEPTIONS);
    features
}

/// Validates `bytes` (a core module or a component) with [`features`].
pub fn validate(bytes: &[u8]) -> Result<(), String> {
    wasmparser::Validator::new_with_features(features())
        .validate_all(bytes)
        .map(drop)
        .map_err(|e| e.to_string())
}

/// Fuses `input` every way (core module and `--component`, with
/// `--memory multi` and `--memory single`) with panics caught, and
/// validates every `Ok` output, checking that it is of the kind asked for
/// (and, in single mode, that its modules define at most one memory); a
/// binary input that does not validate must not be fused. Returns the
/// component outputs of the two memory modes whose fusion succeeded.
pub fn fuse_and_validate(input: &[u8]) -> Result<Fused, Finding> {
    use meld::merge::Memory;
    let mut out = Fused::default();
    for (memory, wrap) in [(Memory::Multi, false), (Memory::Multi, true)]
        .into_iter()
        .chain([(Memory::Single, false), (Memory::Single, true)])
    {
        let fused = catch_panic(|| {
            meld::Fuser::new()
                .component(wrap)
                .memory(memory)
                .fuse(input)
        })?;
        let Ok(fused) = fused else { continue };
        if input.starts_with(b"\0asm") {
            if let Err(e) = validate(input) {
                return Err(Finding::AcceptedInvalid(e));
            }
        }
        let what = match (wrap, memory) {
            (true, Memory::Multi) => "component",
            (false, Memory::Multi) => "core module",
            (true, Memory::Single) => "--memory single component",
            (false, Memory::Single) => "--memory single core module",
        };
        validate(&fused.bytes)
            .map_err(|e| Finding::InvalidOutput(format!("the {what} output: {e}")))?;
        if wasmparser::Parser::is_component(&fused.bytes) != wrap {
            return Err(Finding::InvalidOutput(format!(
                "asked for a {what}, got the other kind"
            )));
        }
        if memory == Memory::Single && most_memories(&fused.bytes) > 1 {
            return Err(Finding::InvalidOutput(format!(
                "the {what} output defines more than one memory in a module"
            )));
        }
        match (wrap, memory) {
            (true, Memory::Multi) => out.multi = Some(fused.bytes),
            (true, Memory::Single) => out.single = Some(fused.bytes),
            _ => {}
        }
    }
    Ok(out)
}

/// The `--component` outputs of [`fuse_and_validate`].
#[derive(Debug, Default)]
pub struct Fused {
    /// With `--memory multi`.
    pub multi: Option<Vec<u8>>,
    /// With `--memory single`.
    pub single: Option<Vec<u8>>,
}

/// The most memories any one module inside `wasm` defines.
fn most_memories(wasm: &[u8]) -> u32 {
    (wasmparser::Parser::new(0).parse_all(wasm))
        .filter_map(|p| match p {
            Ok(wasmparser::Payload::MemorySection(s)) => Some(s.count()),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}
