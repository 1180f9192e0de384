//! Behaviour suites of `context-runtime` live in `tests/`; this library only compiles the README's
//! examples as doctests, so the quick start a newcomer copies is known to build and run.

#![doc = include_str!("../../README.md")]
