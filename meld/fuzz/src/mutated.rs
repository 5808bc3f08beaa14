//! Target (b): the committed fixtures (`fixtures/*.wasm`), mutated →
//! [`meld::Fuser::fuse`] never panics, and an `Ok` output validates.
//!
//! A fuzz input is read as: one byte choosing the fixture, then a few
//! mutations ([`Mutation`]) drawn with [`arbitrary`] from the rest, applied
//! in order. Small local edits of a real composition keep most of it
//! intact, so inputs get past the header and reach the validator, the
//! translator and, when the edit still validates, meld's later stages.

use crate::finding::{Finding, fuse_and_validate};
use arbitrary::{Arbitrary, Unstructured};

macro_rules! fixtures {
    ($($name:literal),* $(,)?) => {
        /// Every committed fixture: name and bytes (compiled in, so a missing
        /// fixture fails the build).
        pub const FIXTURES: &[(&str, &[u8])] = &[$(
            ($name, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/", $name, ".wasm"))),
        )*];
    };
}

fixtures!(
    "c_debug",
    "lists",
    "many-params",
    "records-variants",
    "resource_floats",
    "resource_floats_opaque",
    "resource_handles",
    "resource_import_and_export",
    "resource_import_and_export_opaque",
    "resource_with_lists",
    "resource_with_lists_opaque",
    "resources",
    "scalars",
    "strings",
    "wasi_poll",
);

/// One edit of the input bytes; offsets wrap around the current length.
#[derive(Debug, Clone, Arbitrary)]
pub enum Mutation {
    /// Flip one bit.
    FlipBit(u32, u8),
    /// Overwrite a byte.
    SetByte(u32, u8),
    /// Overwrite a byte with a value LEB128 and length fields care about.
    SetInteresting(u32, u8),
    /// Add a small signed amount to a byte (an index, a count, a length).
    AddToByte(u32, i8),
    /// Insert bytes.
    Insert(u32, Vec<u8>),
    /// Remove up to 16 bytes.
    Remove(u32, u8),
    /// Cut the input.
    Truncate(u32),
    /// Copy up to 64 bytes from one place over another.
    CopyChunk(u32, u32, u8),
}

const INTERESTING: &[u8] = &[
    0x00, 0x01, 0x02, 0x0f, 0x10, 0x3f, 0x40, 0x7f, 0x80, 0xfe, 0xff,
];

impl Mutation {
    /// Applies the edit to `bytes`.
    pub fn apply(&self, bytes: &mut Vec<u8>) {
        let at = |o: u32, bytes: &Vec<u8>| {
            if bytes.is_empty() {
                0
            } else {
                o as usize % bytes.len()
            }
        };
        if bytes.is_empty() {
            if let Mutation::Insert(_, new) = self {
                bytes.extend_from_slice(new);
            }
            return;
        }
        match *self {
            Mutation::FlipBit(o, bit) => {
                let i = at(o, bytes);
                bytes[i] ^= 1 << (bit % 8);
            }
            Mutation::SetByte(o, v) => {
                let i = at(o, bytes);
                bytes[i] = v;
            }
            Mutation::SetInteresting(o, v) => {
                let i = at(o, bytes);
                bytes[i] = INTERESTING[v as usize % INTERESTING.len()];
            }
            Mutation::AddToByte(o, d) => {
                let i = at(o, bytes);
                bytes[i] = bytes[i].wrapping_add(d as u8);
            }
            Mutation::Insert(o, ref new) => {
                let i = at(o, bytes);
                bytes.splice(i..i, new.iter().copied().take(16));
            }
            Mutation::Remove(o, n) => {
                let i = at(o, bytes);
                let end = (i + 1 + n as usize % 16).min(bytes.len());
                bytes.drain(i..end);
            }
            Mutation::Truncate(o) => {
                let i = at(o, bytes);
                bytes.truncate(i);
            }
            Mutation::CopyChunk(from, to, n) => {
                let (from, to) = (at(from, bytes), at(to, bytes));
                let n = (1 + n as usize % 64)
                    .min(bytes.len() - from)
                    .min(bytes.len() - to);
                let chunk = bytes[from..from + n].to_vec();
                bytes[to..to + n].copy_from_slice(&chunk);
            }
        }
    }
}

/// The mutated fixture a fuzz input describes: the fixture's name, the
/// mutations, and the resulting bytes.
pub fn mutate(data: &[u8]) -> (&'static str, Vec<Mutation>, Vec<u8>) {
    let (choice, rest) = data.split_first().map_or((0, data), |(c, r)| (*c, r));
    let (name, original) = FIXTURES[choice as usize % FIXTURES.len()];
    let mut u = Unstructured::new(rest);
    let count = u.int_in_range(1..=4u8).unwrap_or(1);
    let mutations: Vec<Mutation> = (0..count)
        .map_while(|_| Mutation::arbitrary(&mut u).ok())
        .collect();
    let mut bytes = original.to_vec();
    for m in &mutations {
        m.apply(&mut bytes);
    }
    (name, mutations, bytes)
}

/// The property: fusing the mutated fixture `data` describes (both output
/// kinds) does not panic and any `Ok` output validates.
pub fn check(data: &[u8]) -> Result<(), Finding> {
    let (name, mutations, bytes) = mutate(data);
    fuse_and_validate(&bytes).map(drop).map_err(|f| match f {
        Finding::Panic(m) => Finding::Panic(format!("{m}; fixture {name}, {mutations:?}")),
        Finding::InvalidOutput(m) => {
            Finding::InvalidOutput(format!("{m}; fixture {name}, {mutations:?}"))
        }
        Finding::AcceptedInvalid(m) => {
            Finding::AcceptedInvalid(format!("{m}; fixture {name}, {mutations:?}"))
        }
        other => other,
    })
}
