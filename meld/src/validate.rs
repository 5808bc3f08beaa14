//! Validation of the input before anything else reads it: completely
//! (function bodies of every core module included, instantiated or not),
//! with the features meld accepts ([`crate::encode::features`]), so every
//! later stage may assume valid wasm.
//!
//! A failure is located in the input: the nested component and core module
//! it is in, and the function for an error inside a body. An input that is
//! valid only with a feature meld does not accept is reported as
//! unsupported, naming the feature; exception handling is accepted when
//! the input needs it.

use crate::encode::features_with;
use crate::error::Error;
use wasmparser::{Parser, Payload, Validator, WasmFeatures};

/// Validates `input`; returns whether it needs exception handling.
pub fn input(input: &[u8]) -> Result<bool, Error> {
    if !input.starts_with(b"\0asm") {
        return Err(Error::NotWasm(if input.is_empty() {
            "the input is empty".to_string()
        } else {
            "the input does not start with the `\\0asm` magic".to_string()
        }));
    }
    if !Parser::is_component(input) {
        let what = if Parser::is_core_wasm(input) {
            "a core module, not a component (meld fuses components)"
        } else {
            "an unknown WebAssembly version or layer (meld fuses components)"
        };
        return Err(Error::Invalid(format!("the input is {what}")));
    }
    let Err(first) = Validator::new_with_features(features_with(false)).validate_all(input) else {
        return Ok(false);
    };
    if Validator::new_with_features(features_with(true))
        .validate_all(input)
        .is_ok()
    {
        return Ok(true);
    }
    let message = format!("{}{}", first.message(), locate(input, first.offset()));
    if Validator::new_with_features(WasmFeatures::all())
        .validate_all(input)
        .is_ok()
    {
        return Err(Error::Unsupported(anyhow::anyhow!(
            "the input uses a WebAssembly feature meld does not accept: {message}"
        )));
    }
    Err(Error::Invalid(message))
}

/// Where `offset` lies in `input`: ` (in nested component 0, core module 1,
/// function 3, at offset 0x2a)`. Components and core modules are numbered
/// within their parent in the order they appear; functions in their
/// module's function index space.
pub fn locate(input: &[u8], offset: usize) -> String {
    let mut path: Vec<Frame> = vec![Frame::default()];
    let mut function = None;
    for payload in Parser::new(0).parse_all(input) {
        let Ok(payload) = payload else { break };
        let frame = path.last_mut().expect("the root frame is never popped");
        let module = matches!(payload, Payload::ModuleSection { .. });
        match payload {
            Payload::ModuleSection {
                unchecked_range, ..
            }
            | Payload::ComponentSection {
                unchecked_range, ..
            } => {
                let counter = if module {
                    &mut frame.modules
                } else {
                    &mut frame.components
                };
                let index = *counter;
                *counter += 1;
                if unchecked_range.start > offset {
                    break;
                }
                path.push(Frame {
                    name: Some((module, index)),
                    ..Frame::default()
                });
            }
            Payload::ImportSection(r) => {
                frame.funcs += r
                    .into_imports()
                    .flatten()
                    .filter(|i| matches!(i.ty, wasmparser::TypeRef::Func(_)))
                    .count() as u32;
            }
            Payload::CodeSectionEntry(body) => {
                if body.range().contains(&offset) {
                    function = Some(frame.funcs);
                    break;
                }
                frame.funcs += 1;
            }
            Payload::End(end) => {
                if end >= offset {
                    break;
                }
                if path.len() > 1 {
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut parts: Vec<String> = path
        .iter()
        .filter_map(|f| f.name)
        .map(|(module, i)| {
            if module {
                format!("core module {i}")
            } else {
                format!("nested component {i}")
            }
        })
        .collect();
    parts.extend(function.map(|f| format!("function {f}")));
    parts.push(format!("at offset {offset:#x}"));
    format!(" (in the input: {})", parts.join(", "))
}

/// One component or core module being read.
#[derive(Default)]
struct Frame {
    /// (is a core module, index within the parent); `None` for the root.
    name: Option<(bool, u32)>,
    /// Core modules seen so far directly inside.
    modules: u32,
    /// Components seen so far directly inside.
    components: u32,
    /// Functions in the function index space so far (a core module's).
    funcs: u32,
}

/// The binary form of an input in the binary or the text format (as
/// wasm-tools accepts both).
pub fn to_binary(input: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, Error> {
    if input.starts_with(b"\0asm") {
        return Ok(input.into());
    }
    if input.is_empty() {
        return Err(Error::NotWasm("the input is empty".to_string()));
    }
    let Ok(text) = std::str::from_utf8(input) else {
        return Err(Error::NotWasm(
            "neither the binary format (no `\\0asm` magic) nor the text format (not UTF-8)"
                .to_string(),
        ));
    };
    match wat::parse_str(text) {
        Ok(bytes) => Ok(bytes.into()),
        Err(e) => Err(Error::NotWasm(format!(
            "neither the binary format (no `\\0asm` magic) nor valid text format: {}",
            e.to_string().lines().next().unwrap_or_default()
        ))),
    }
}
