//! Mutated `fixtures/*.wasm` → `meld::Fuser::fuse` never panics; `Ok`
//! outputs validate.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(finding) = meld_fuzz::mutated::check(data) {
        panic!("{finding}");
    }
});
