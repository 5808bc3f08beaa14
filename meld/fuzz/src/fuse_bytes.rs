//! Target (a): any bytes → [`meld::Fuser::fuse`] never panics, and an `Ok`
//! output validates.
//!
//! The smoke inputs ([`seeded_input`]) are not only noise (which meld
//! rejects at the magic number): some start with a component or core-module
//! header followed by well-framed sections of random content, so the
//! section readers and the validator's error paths run too.

use crate::finding::{Finding, fuse_and_validate};
use crate::seed::Rng;

/// The property: fusing `data` (both output kinds) does not panic and any
/// `Ok` output validates.
pub fn check(data: &[u8]) -> Result<(), Finding> {
    fuse_and_validate(data).map(drop)
}

/// The smoke test's input number `seed`.
pub fn seeded_input(seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    const COMPONENT: &[u8] = b"\0asm\x0d\0\x01\0";
    const MODULE: &[u8] = b"\0asm\x01\0\0\0";
    match rng.below(4) {
        // Noise, sometimes empty.
        0 => {
            let len = rng.below(64) as usize;
            rng.bytes(len)
        }
        // Noise behind a valid header.
        1 => {
            let mut out = if rng.below(2) == 0 { COMPONENT } else { MODULE }.to_vec();
            let len = rng.below(64) as usize;
            out.extend(rng.bytes(len));
            out
        }
        // A header, then sections with correct framing and random bodies.
        _ => {
            let component = rng.below(4) != 0;
            let mut out = if component { COMPONENT } else { MODULE }.to_vec();
            for _ in 0..rng.below(6) {
                let id = if component {
                    rng.below(13)
                } else {
                    rng.below(14)
                } as u8;
                let len = rng.below(24) as usize;
                out.push(id);
                out.push(len as u8);
                out.extend(rng.bytes(len));
            }
            out
        }
    }
}
