//! The cases are in `tests/ui/`; `tests/ui.rs` runs them with trybuild.
