//! The `name` section of the lowered module: the memory names are dropped
//! (there is one memory now), the functions and globals the pass appends
//! get names, every other subsection is kept byte for byte.

use wasm_encoder::Encode;
use wasmparser::BinaryReader;

/// Subsection ids of the `name` section.
const FUNCTIONS: u8 = 1;
const MEMORIES: u8 = 6;
const GLOBALS: u8 = 7;

/// The rewritten contents of a `name` section `data`, naming the appended
/// `functions` and `globals` (index, name; indices above every existing
/// one). `None` if `data` is malformed: names are advisory, so the caller
/// drops the section.
pub fn rewrite(
    data: &[u8],
    functions: &[(u32, String)],
    globals: &[(u32, String)],
) -> Option<Vec<u8>> {
    let mut subsections = Vec::new();
    let mut reader = BinaryReader::new(data, 0);
    while !reader.eof() {
        let id = reader.read_u8().ok()?;
        let size = reader.read_var_u32().ok()?;
        let payload = reader.read_bytes(size as usize).ok()?;
        subsections.push((id, payload.to_vec()));
    }
    subsections.retain(|(id, _)| *id != MEMORIES);
    for (id, added) in [(FUNCTIONS, functions), (GLOBALS, globals)] {
        if added.is_empty() {
            continue;
        }
        match subsections.iter_mut().find(|(i, _)| *i == id) {
            Some((_, payload)) => *payload = extend(payload, added)?,
            None => subsections.push((id, extend(&[0], added)?)),
        }
    }
    subsections.sort_by_key(|(id, _)| *id);
    let mut out = Vec::new();
    for (id, payload) in subsections {
        out.push(id);
        payload.len().encode(&mut out);
        out.extend_from_slice(&payload);
    }
    Some(out)
}

/// A name map `payload` with `added` appended.
fn extend(payload: &[u8], added: &[(u32, String)]) -> Option<Vec<u8>> {
    let mut reader = BinaryReader::new(payload, 0);
    let count = reader.read_var_u32().ok()?;
    let rest = &payload[reader.current_position()..];
    let mut out = Vec::new();
    count.checked_add(added.len() as u32)?.encode(&mut out);
    out.extend_from_slice(rest);
    for (index, name) in added {
        index.encode(&mut out);
        name.as_str().encode(&mut out);
    }
    Some(out)
}
