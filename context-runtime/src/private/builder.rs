//! The type-state vocabulary of the generated builders.
//!
//! A generated builder has one type parameter per field, [`Unset`] until the field's setter is
//! called and [`Set`] afterwards. Setters require [`IsUnset`] (so a field cannot be set twice) and
//! `build()` requires [`Required`] of required fields and [`Optional`] of the others, so a missing
//! field is a compile error naming it. A builder from a carrier (`extract`) holds its propagated
//! fields as [`Set`], or [`Maybe`] for a defaulted one, and their setters require
//! [`NotExtracted`], whose error says where the value came from. None of this is public API: it
//! is reached through `__private` by generated code only.

use std::marker::PhantomData;

/// A builder field that has not been given a value. `Field` is a marker named after the field, so
/// compile errors can name it.
pub struct Unset<Field>(PhantomData<fn() -> Field>);

impl<Field> Unset<Field> {
    /// The only value of this type.
    pub const NEW: Self = Self(PhantomData);
}

/// A builder field holding its value.
pub struct Set<T>(pub T);

/// A defaulted field that `from_baggage` looked for in a carrier: its value when the carrier had
/// it, the field's default otherwise. It cannot be set again.
pub struct Maybe<T>(pub Option<T>);

/// Implemented for [`Unset`] only: a setter may be called once.
#[diagnostic::on_unimplemented(
    message = "the field `{Field}` is set twice",
    label = "`{Field}` was already set earlier in this builder chain",
    note = "a context is set once: remove one of the two `.{Field}(..)` calls"
)]
pub trait IsUnset<Field> {}

impl<Field> IsUnset<Field> for Unset<Field> {}

/// [`IsUnset`] for the setter of a `#[context(propagate)]` field, which `extract` may have set.
#[diagnostic::on_unimplemented(
    message = "the field `{Field}` is already set",
    label = "`{Field}` was set by `extract` / `from_baggage`, or earlier in this builder chain",
    note = "a context is set once, and a `#[context(propagate)]` field comes from the carrier: \
            remove this call, or `propagate` if the receiver should decide `{Field}`"
)]
pub trait NotExtracted<Field> {}

impl<Field> NotExtracted<Field> for Unset<Field> {}

/// Implemented for [`Set`] only: `build()` needs every required field.
#[diagnostic::on_unimplemented(
    message = "missing required field `{Field}`",
    label = "`build()` needs `{Field}`",
    note = "call `.{Field}(..)` on the builder before `.build()`, or make the field optional: \
            `Option<_>`, `#[context(default)]` or `#[context(default = expr)]`"
)]
pub trait Required<Field, T> {
    /// The field's value.
    fn into_value(self) -> T;
}

impl<Field, T> Required<Field, T> for Set<T> {
    fn into_value(self) -> T {
        self.0
    }
}

/// Implemented for both states: the value if set, the default otherwise.
pub trait Optional<T> {
    /// The field's value, or `default()` when it was never set.
    fn or_else(self, default: impl FnOnce() -> T) -> T;
}

impl<T> Optional<T> for Set<T> {
    fn or_else(self, _: impl FnOnce() -> T) -> T {
        self.0
    }
}

impl<Field, T> Optional<T> for Unset<Field> {
    fn or_else(self, default: impl FnOnce() -> T) -> T {
        default()
    }
}

impl<T> Optional<T> for Maybe<T> {
    fn or_else(self, default: impl FnOnce() -> T) -> T {
        self.0.unwrap_or_else(default)
    }
}
