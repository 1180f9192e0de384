//! How generated `extract` / `from_baggage` read propagated fields, and how generated code writes
//! them. Not public API: reached through `__private`.

use std::fmt;

use crate::{Baggage, Carrier, CarrierError, Propagate};

/// Implemented by nothing: the bound of the `extract` / `from_baggage` stand-ins of a context
/// without propagated fields, so calling one explains itself.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no `#[context(propagate)]` field: there is nothing to extract",
    label = "nothing of `{Self}` crosses a process boundary",
    note = "mark the fields the next process needs `#[context(propagate)]`"
)]
pub trait NothingToExtract<Carrier: ?Sized> {
    /// Never called.
    fn never() -> std::convert::Infallible;
}

/// How generated code writes and reads a propagated field of type `T`. Asking for it is where a
/// type that cannot be propagated is reported, once per field.
pub struct Codec<T> {
    /// The value as text.
    pub text: fn(&T) -> &dyn fmt::Display,
    /// The value from its text.
    pub parse: fn(&str) -> Result<T, String>,
}

/// The [`Codec`] of a propagated field's type.
pub const fn codec<T: Propagate>() -> Codec<T> {
    Codec {
        text: |value| value,
        parse: T::from_text,
    }
}

/// The carrier's baggage, read leniently but keeping the context's own `fields` past the limits:
/// what the generated `extract` reads.
pub fn received(carrier: &(impl Carrier + ?Sized), fields: &[&'static str]) -> Baggage {
    Baggage::extract_keeping(carrier, fields)
}

/// A required propagated field's value, for the generated `from_baggage`.
///
/// # Errors
///
/// Missing, more than once, or not parsable.
pub fn required<T>(
    baggage: &Baggage,
    field: &'static str,
    codec: Codec<T>,
) -> Result<T, CarrierError> {
    optional(baggage, field, codec)?.ok_or(CarrierError::Missing { field })
}

/// An optional propagated field's value (`None` when absent), for the generated `from_baggage`.
///
/// # Errors
///
/// More than once, or not parsable.
pub fn optional<T>(
    baggage: &Baggage,
    field: &'static str,
    codec: Codec<T>,
) -> Result<Option<T>, CarrierError> {
    let mut values = baggage.values(field);
    let rejected = baggage.rejection(field);
    let Some(text) = values.next() else {
        // Sent, but not in the format (or past the limits): invalid, not missing.
        return match rejected {
            Some(reason) => Err(CarrierError::Invalid {
                field,
                reason: reason.to_owned(),
            }),
            None => Ok(None),
        };
    };
    if values.next().is_some() || rejected.is_some() {
        return Err(CarrierError::Duplicate { field });
    }
    (codec.parse)(text)
        .map(Some)
        .map_err(|reason| CarrierError::Invalid { field, reason })
}
