//! [`CarrierError`]: why a context could not be carried.

use std::fmt;

use super::Baggage;

/// Why a context could not be carried: read from, or written to, a carrier.
///
/// The generated `extract` / `from_baggage` return the variants that name one of the context's
/// fields (`Missing`, `Invalid`, `Duplicate`) when one field is in error, and `Fields`, holding
/// one of those per field, when several are: every propagated field is checked, so a client
/// learns everything to fix from one refusal. Other producers' entries never cause an error.
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
    /// Two or more propagated fields are in error: one of the single-field variants (`Missing`,
    /// `Invalid`, `Duplicate`) for each, in the order the context declares its fields.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use context_runtime::{CarrierError, RequestContext};
    ///
    /// #[derive(RequestContext)]
    /// struct Ctx {
    ///     #[context(propagate)]
    ///     request_id: String,
    ///     #[context(propagate)]
    ///     tenant: u64,
    ///     #[context(propagate)]
    ///     user: Option<String>,
    /// }
    ///
    /// let carrier = HashMap::from([("baggage".to_owned(), "tenant=seven".to_owned())]);
    /// let error = Ctx::extract(&carrier).err().unwrap();
    /// assert_eq!(
    ///     error,
    ///     CarrierError::Fields {
    ///         errors: vec![
    ///             CarrierError::Missing { field: "request_id" },
    ///             CarrierError::Invalid {
    ///                 field: "tenant",
    ///                 reason: "invalid digit found in string".to_owned(),
    ///             },
    ///         ],
    ///     }
    /// );
    /// assert_eq!(error.fields().collect::<Vec<_>>(), ["request_id", "tenant"]);
    /// assert_eq!(
    ///     error.to_string(),
    ///     "the carrier's `request_id` and `tenant` could not be read: `request_id` is missing \
    ///      and `tenant` is invalid (invalid digit found in string); the sender must `inject` a \
    ///      context whose `request_id` and `tenant` are `#[context(propagate)]`"
    /// );
    /// ```
    Fields {
        /// Each field's error, in field order.
        errors: Vec<CarrierError>,
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
    /// The baggage has no signature, and this service reads only signed fields
    /// (`SigningKeys::verify`, feature `signing`): a client reached an internal service
    /// directly, or the sender does not sign.
    #[cfg(feature = "signing")]
    Unsigned,
    /// The baggage is signed with a key id this service does not accept: a key retired here but
    /// still used by the sender, or one never shared with this service.
    #[cfg(feature = "signing")]
    UnknownSigningKey,
    /// The signature does not match the entries it covers: a signed value changed after
    /// signing, a signature replayed over other fields, or a secret that differs under one key
    /// id.
    #[cfg(feature = "signing")]
    SignatureMismatch,
    /// The signature entry is not in the format the sender writes (`context-sig=<key id>:<64 hex
    /// digits>;keys=<key>:<key>`), or is in the baggage more than once.
    #[cfg(feature = "signing")]
    MalformedSignature {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An entry the signature covers is not in the baggage (or not in the W3C format): removed
    /// on the way, by a proxy that drops entries, say.
    #[cfg(feature = "signing")]
    SignedEntryMissing,
    /// An entry the signature covers is in the baggage more than once: which one was signed is
    /// ambiguous, so neither is believed.
    #[cfg(feature = "signing")]
    SignedEntryRepeated,
}

impl CarrierError {
    /// The context's fields this error names, in field order: one for `Missing`, `Invalid` and
    /// `Duplicate`, each failing field for `Fields`, none for the errors about the whole list.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use context_runtime::{CarrierError, RequestContext};
    ///
    /// #[derive(RequestContext)]
    /// struct Ctx {
    ///     #[context(propagate)]
    ///     request_id: String,
    ///     #[context(propagate)]
    ///     tenant: u64,
    /// }
    ///
    /// let error = Ctx::extract(&HashMap::<String, String>::new()).err().unwrap();
    /// assert_eq!(error.fields().collect::<Vec<_>>(), ["request_id", "tenant"]);
    /// assert_eq!(CarrierError::Missing { field: "tenant" }.fields().collect::<Vec<_>>(), ["tenant"]);
    /// assert_eq!(CarrierError::TooManyEntries.fields().count(), 0);
    /// ```
    pub fn fields(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.errors().iter().filter_map(Self::field)
    }

    /// The single-field errors this one is made of: itself, or those of `Fields`.
    fn errors(&self) -> &[Self] {
        match self {
            Self::Fields { errors } => errors,
            other => std::slice::from_ref(other),
        }
    }

    /// The field a single-field variant names.
    fn field(&self) -> Option<&'static str> {
        match self {
            Self::Missing { field } | Self::Invalid { field, .. } | Self::Duplicate { field } => {
                Some(field)
            }
            _ => None,
        }
    }

    /// This error and `later`'s, in that order: the one that names them all.
    pub(crate) fn and(self, later: Self) -> Self {
        let mut errors = match self {
            Self::Fields { errors } => errors,
            other => vec![other],
        };
        match later {
            Self::Fields { errors: more } => errors.extend(more),
            other => errors.push(other),
        }
        Self::Fields { errors }
    }
}

/// Writes `items` as an English list: "`a`", "`a` and `b`", "`a`, `b` and `c`".
fn list<T>(
    f: &mut fmt::Formatter<'_>,
    items: &[T],
    mut write: impl FnMut(&mut fmt::Formatter<'_>, &T) -> fmt::Result,
) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(if i + 1 == items.len() { " and " } else { ", " })?;
        }
        write(f, item)?;
    }
    Ok(())
}

impl fmt::Display for CarrierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fields { errors } => {
                let fields: Vec<_> = self.fields().collect();
                f.write_str("the carrier's ")?;
                list(f, &fields, |f, field| write!(f, "`{field}`"))?;
                f.write_str(if fields.is_empty() { "baggage" } else { "" })?;
                f.write_str(" could not be read: ")?;
                list(f, errors, |f, error| match error {
                    Self::Missing { field } => write!(f, "`{field}` is missing"),
                    Self::Invalid { field, reason } => {
                        write!(f, "`{field}` is invalid ({reason})")
                    }
                    Self::Duplicate { field } => write!(f, "`{field}` is sent more than once"),
                    other => write!(f, "{other}"),
                })?;
                if fields.is_empty() {
                    return Ok(());
                }
                f.write_str("; the sender must `inject` a context whose ")?;
                list(f, &fields, |f, field| write!(f, "`{field}`"))?;
                let verb = if fields.len() == 1 { "is" } else { "are" };
                write!(f, " {verb} `#[context(propagate)]`")
            }
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
            #[cfg(feature = "signing")]
            Self::Unsigned => f.write_str(
                "the baggage is not signed, and this service believes only signed fields: send \
                 through `PropagateLayer::sign_with` (or `SigningKeys::inject_current`) with a key \
                 this service accepts",
            ),
            #[cfg(feature = "signing")]
            Self::UnknownSigningKey => f.write_str(
                "the baggage is signed with a key this service does not accept (retired, or never \
                 shared with it): sign with the current key, or accept the old one here until \
                 every sender has moved",
            ),
            #[cfg(feature = "signing")]
            Self::SignatureMismatch => f.write_str(
                "the baggage's signature does not match the entries it covers: they were changed \
                 after signing, or the signature belongs to other entries; send the signed \
                 entries as the sender wrote them",
            ),
            #[cfg(feature = "signing")]
            Self::MalformedSignature { reason } => {
                write!(f, "malformed baggage signature: {reason}")
            }
            #[cfg(feature = "signing")]
            Self::SignedEntryMissing => f.write_str(
                "an entry the baggage's signature covers is missing: send the signed entries as \
                 the sender wrote them (a proxy that drops entries breaks the signature)",
            ),
            #[cfg(feature = "signing")]
            Self::SignedEntryRepeated => f.write_str(
                "an entry the baggage's signature covers is in the baggage more than once: \
                 refusing to guess which one was signed",
            ),
        }
    }
}

impl std::error::Error for CarrierError {}
