//! [`CarrierError`]: why a context could not be carried.

use std::fmt;

use super::Baggage;

/// Why a context could not be carried: read from, or written to, a carrier.
///
/// The generated `extract` / `from_baggage` return the variants that name one of the context's
/// fields (`Missing`, `Invalid`, `Duplicate`): other producers' entries never cause an error.
/// `Malformed`, `TooLarge` and `TooManyEntries` come from the all-or-nothing reading
/// ([`Baggage::parse_strict`]) and from writing more than the W3C limits allow.
///
/// `Display` says what happened and what to do; no variant holds the offending value (it may be
/// hostile, or large). With the `http` feature it is a `Refusal` of `ContextLayer`: 400 Bad
/// Request, with the message as the body.
///
/// ```
/// use std::collections::HashMap;
/// use context_runtime::{CarrierError, RequestContext};
///
/// #[derive(RequestContext)]
/// struct Ctx {
///     #[context(propagate)]
///     tenant: u64,
/// }
///
/// let carrier = HashMap::from([("baggage".to_owned(), "tenant=seven".to_owned())]);
/// let error = Ctx::extract(&carrier).err().unwrap();
/// assert!(matches!(error, CarrierError::Invalid { field: "tenant", .. }));
/// assert_eq!(
///     error.to_string(),
///     "the carrier's `tenant` could not be read: invalid digit found in string"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CarrierError {
    /// A required propagated field is not in the carrier.
    Missing {
        /// The field's name (its baggage key).
        field: &'static str,
    },
    /// A propagated field's value is not in the W3C format, or did not parse as the field's type.
    Invalid {
        /// The field's name (its baggage key).
        field: &'static str,
        /// What is wrong: the W3C format's rule it breaks, or the type's parse error, as text.
        reason: String,
    },
    /// A propagated field is in the carrier more than once: which one to believe is ambiguous,
    /// so neither is.
    Duplicate {
        /// The field's name (its baggage key).
        field: &'static str,
    },
    /// The `baggage` list is not valid W3C Baggage.
    Malformed {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The `baggage` list is longer than [`Baggage::MAX_LEN`] bytes.
    TooLarge {
        /// Its length in bytes (at least this).
        len: usize,
    },
    /// The `baggage` list has more than [`Baggage::MAX_ENTRIES`] entries.
    TooManyEntries,
}

impl fmt::Display for CarrierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { field } => write!(
                f,
                "the carrier has no `{field}`: the sender must `inject` a context whose \
                 `{field}` is `#[context(propagate)]`"
            ),
            Self::Invalid { field, reason } => {
                write!(f, "the carrier's `{field}` could not be read: {reason}")
            }
            Self::Duplicate { field } => write!(
                f,
                "the carrier has `{field}` more than once: refusing to guess which one is meant"
            ),
            Self::Malformed { reason } => write!(f, "malformed baggage: {reason}"),
            Self::TooLarge { len } => write!(
                f,
                "the baggage is {len} bytes, more than the {} a service must accept: propagate \
                 fewer or shorter fields",
                Baggage::MAX_LEN
            ),
            Self::TooManyEntries => write!(
                f,
                "the baggage has more than {} entries, the most the W3C Baggage grammar allows",
                Baggage::MAX_ENTRIES
            ),
        }
    }
}

impl std::error::Error for CarrierError {}
