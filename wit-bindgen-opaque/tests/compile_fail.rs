//! Misuse is a compile error with a clear message (trybuild; `TRYBUILD=overwrite`
//! rewrites the expected `.stderr` files).

#[test]
fn compile_fail() {
    trybuild::TestCases::new().compile_fail("tests/compile_fail/*.rs");
}
