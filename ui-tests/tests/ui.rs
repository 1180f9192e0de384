//! Every misuse of the macros fails to compile with an error that reads like advice; every
//! supported form compiles. The `.stderr` files are the user's experience of our errors: they are
//! generated with the toolchain pinned in `rust-toolchain.toml` (`TRYBUILD=overwrite`) and read.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/*.rs");
    t.pass("tests/pass/*.rs");
}
