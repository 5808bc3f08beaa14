//! Generated compositions → no panic, `Ok` outputs validate, and the fused
//! component behaves as the composed one under wasmtime.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(finding) = meld_fuzz::compose::check(data) {
        panic!("{finding}");
    }
});
