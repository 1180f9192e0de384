//! How generated `extract` / `from_baggage` read propagated fields, and how generated code writes
//! them. Not public API: reached through `__private`.
//!
//! `from_baggage` reads every propagated field, then [`join`]s the results, so a carrier with
//! several fields in error is refused once, naming them all:
//!
//! ```text
//! let (__request_id, (__tenant, ())) = join(
//!     required(baggage, "request_id", codec::<String>()),
//!     join(required(baggage, "tenant", codec::<u64>()), Ok(())),
//! )?;
//! ```

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

/// Both values, or every error of the two, `a`'s first: what generated `from_baggage` nests,
/// `join(a, join(b, join(c, Ok(()))))`, so the error of a carrier with several fields in error is
/// [`CarrierError::Fields`], in field order, and that of a carrier with one is that field's own.
///
/// # Errors
///
/// `a`'s or `b`'s error when one of them is an error; both, as one, when both are.
pub fn join<A, B>(
    a: Result<A, CarrierError>,
    b: Result<B, CarrierError>,
) -> Result<(A, B), CarrierError> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(error), Ok(_)) | (Ok(_), Err(error)) => Err(error),
        (Err(a), Err(b)) => Err(a.and(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn missing(field: &'static str) -> Result<u8, CarrierError> {
        Err(CarrierError::Missing { field })
    }

    #[test]
    fn join_keeps_both_values() {
        assert_eq!(join(Ok(1), join(Ok("two"), Ok(()))), Ok((1, ("two", ()))));
    }

    #[test]
    fn join_of_one_error_is_that_error() {
        assert_eq!(
            join(Ok(1), join(missing("b"), Ok(()))),
            Err(CarrierError::Missing { field: "b" })
        );
    }

    #[test]
    fn join_of_several_errors_keeps_them_all_in_order() {
        let joined = join(missing("a"), join(Ok(2), join(missing("c"), missing("d"))));
        assert_eq!(
            joined,
            Err(CarrierError::Fields {
                errors: vec![
                    CarrierError::Missing { field: "a" },
                    CarrierError::Missing { field: "c" },
                    CarrierError::Missing { field: "d" },
                ]
            })
        );
    }
}
