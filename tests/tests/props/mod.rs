//! Shared by the property suites: the configuration and the text strategy.

use proptest::prelude::*;
use proptest::test_runner::Config;

/// 256 cases, and no regression files written next to the suite (a failure prints its input).
pub(crate) fn config() -> Config {
    Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Any text: every `char` (controls, U+FFFD, astral planes), or `.*`.
pub(crate) fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(any::<char>(), 0..40).prop_map(String::from_iter),
        ".*",
        "[ -~]*",
    ]
}
