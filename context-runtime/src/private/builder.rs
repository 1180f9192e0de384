//! What the generated builders need of their fields' states ([`crate::builder`]) besides the
//! checks the derive generates per field.
//!
//! The checks that name a field (set twice, set after `extract`, missing at `build()`) are traits
//! the derive generates next to each builder, with the field's name written into their
//! `#[diagnostic::on_unimplemented]` messages: a message built from a type parameter would print
//! a marker type's path, which rustc spells in full (`context::_::__fields::tenant`) as soon as
//! two contexts share a field name. What is left here holds for every field: how `build()` takes
//! a required field's value ([`Required`], a supertrait of the generated check) and an optional
//! field's value or default ([`Optional`]). Not public API: reached through `__private` by
//! generated code only.

use crate::builder::{Defaulted, Extracted, Set, Unset};

/// The value of a required field, once set or extracted.
pub trait Required<T> {
    /// The field's value.
    fn into_value(self) -> T;
}

impl<T> Required<T> for Set<T> {
    #[inline]
    fn into_value(self) -> T {
        self.0
    }
}

impl<T> Required<T> for Extracted<T> {
    #[inline]
    fn into_value(self) -> T {
        self.0
    }
}

/// Implemented for every state: the value if there is one, the default otherwise.
pub trait Optional<T> {
    /// The field's value, or `default()` when it has none.
    fn or_else(self, default: impl FnOnce() -> T) -> T;
}

impl<T> Optional<T> for Set<T> {
    #[inline]
    fn or_else(self, _: impl FnOnce() -> T) -> T {
        self.0
    }
}

impl<T> Optional<T> for Extracted<T> {
    #[inline]
    fn or_else(self, _: impl FnOnce() -> T) -> T {
        self.0
    }
}

impl<T> Optional<T> for Defaulted<T> {
    #[inline]
    fn or_else(self, default: impl FnOnce() -> T) -> T {
        self.0.unwrap_or_else(default)
    }
}

impl<T> Optional<T> for Unset {
    #[inline]
    fn or_else(self, default: impl FnOnce() -> T) -> T {
        default()
    }
}
