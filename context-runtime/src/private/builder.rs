//! What the generated builders need besides the checks the derive generates per field.
//!
//! A builder keeps its fields' values in a tuple of `Option`s, and their states
//! ([`crate::builder`]) as types only, so a setter moves one tuple whatever the number of fields.
//! The checks that name a field (set twice, set after `extract`, missing at `build()`) are traits
//! the derive generates next to each builder, with the field's name written into their
//! `#[diagnostic::on_unimplemented]` messages: a message built from a type parameter would print
//! a marker type's path, which rustc spells in full (`context::_::__fields::tenant`) as soon as
//! two contexts share a field name. Not public API: reached through `__private` by generated code
//! only.

/// A required field's value at `build()`, which its state's check has already proved set: the
/// builder's states are only ever changed by the setters and `extract`, which store the value.
#[inline]
#[track_caller]
pub fn required_value<T>(value: Option<T>) -> T {
    match value {
        Some(value) => value,
        None => unreachable!("a builder's state says a required field is set only once it is"),
    }
}
