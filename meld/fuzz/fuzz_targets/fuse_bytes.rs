//! Any bytes → `meld::Fuser::fuse` never panics; `Ok` outputs validate.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(finding) = meld_fuzz::fuse_bytes::check(data) {
        panic!("{finding}");
    }
});
