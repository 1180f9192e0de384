//! Carriers: where `#[context(propagate)]` fields travel between processes. A [`Carrier`] is any
//! text map (HTTP headers, a job payload's map); the fields go in its `baggage` key as a W3C
//! [`Baggage`] list, each field's value through [`Propagate`].

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::BuildHasher;
use std::str::FromStr;

use crate::{Baggage, registry};

/// A text map that carries context between processes: HTTP headers, a message's metadata, a
/// job payload's map.
///
/// Implemented for `HashMap<String, String>`, `BTreeMap<String, String>` and (feature `http`)
/// `http::HeaderMap`. Implement it for your broker's message headers in a few lines:
///
/// ```
/// use context_runtime::Carrier;
///
/// /// Headers of a queue message, as a list of pairs.
/// struct MessageHeaders(Vec<(String, String)>);
///
/// impl Carrier for MessageHeaders {
///     fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
///         self.0.iter().filter(|(k, _)| k == key).for_each(|(_, v)| f(v));
///     }
///     fn set(&mut self, key: &str, value: String) {
///         self.0.retain(|(k, _)| k != key);
///         self.0.push((key.to_owned(), value));
///     }
/// }
/// ```
pub trait Carrier {
    /// Calls `f` with each value stored under `key`, in order (an HTTP request may repeat a
    /// header); not at all when there is none.
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str));

    /// Stores `value` under `key`, replacing every value there.
    fn set(&mut self, key: &str, value: String);
}

impl<S: BuildHasher> Carrier for HashMap<String, String, S> {
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
        if let Some(value) = self.get(key) {
            f(value);
        }
    }

    fn set(&mut self, key: &str, value: String) {
        self.insert(key.to_owned(), value);
    }
}

impl Carrier for BTreeMap<String, String> {
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
        if let Some(value) = self.get(key) {
            f(value);
        }
    }

    fn set(&mut self, key: &str, value: String) {
        self.insert(key.to_owned(), value);
    }
}

/// Header names are case-insensitive: `baggage` finds `Baggage`. A header value that is not
/// visible ASCII is passed on as is and refused by the baggage parser.
#[cfg(feature = "http")]
impl Carrier for http::HeaderMap {
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
        let values = if key == crate::BAGGAGE {
            self.get_all(BAGGAGE_HEADER)
        } else {
            self.get_all(key)
        };
        for value in values {
            f(&String::from_utf8_lossy(value.as_bytes()));
        }
    }

    fn set(&mut self, key: &str, value: String) {
        let name = if key == crate::BAGGAGE {
            Ok(BAGGAGE_HEADER)
        } else {
            http::header::HeaderName::try_from(key)
        };
        let (Ok(name), Ok(value)) = (name, http::HeaderValue::try_from(value)) else {
            // Unreachable for what this crate writes: the `baggage` key, and a rendered list
            // (visible ASCII and spaces only).
            return;
        };
        self.insert(name, value);
    }
}

/// `baggage` is not among `http`'s standard header names: looking it up by text would parse (and
/// allocate) it every time.
#[cfg(feature = "http")]
const BAGGAGE_HEADER: http::header::HeaderName =
    http::header::HeaderName::from_static(crate::BAGGAGE);

/// Why a context could not be carried: read from, or written to, a carrier.
///
/// `Display` says what happened and what to do; no variant holds the offending value (it may be
/// hostile, or large). With the `http` feature it is a [`Refusal`](crate::Refusal): 400 Bad
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
    /// A propagated field's value did not parse as the field's type.
    Invalid {
        /// The field's name (its baggage key).
        field: &'static str,
        /// The type's parse error, as text.
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

/// A type a `#[context(propagate)]` field can have: it crosses a process boundary as text,
/// written with `Display` and read back with `FromStr`.
///
/// Implemented for every type with both (and a `FromStr` error that implements `Display`):
/// strings, numbers, `bool`, `IpAddr`, `Uuid`, [`RequestId`](crate::RequestId), your own ids.
/// `Option<T>` fields need `T: Propagate`, and are left out of the carrier when `None`.
///
/// ```
/// use std::{fmt, str::FromStr};
/// use context_runtime::RequestContext;
///
/// /// A tenant id of our own: `Display` and `FromStr` are all it takes.
/// #[derive(Debug, PartialEq)]
/// struct TenantId(u32);
///
/// impl fmt::Display for TenantId {
///     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { write!(f, "t{}", self.0) }
/// }
///
/// impl FromStr for TenantId {
///     type Err = String;
///     fn from_str(s: &str) -> Result<Self, String> {
///         let id = s.strip_prefix('t').ok_or("a tenant id starts with `t`")?;
///         id.parse().map(TenantId).map_err(|e| format!("{e}"))
///     }
/// }
///
/// #[derive(RequestContext)]
/// struct Ctx {
///     #[context(propagate)]
///     tenant: TenantId,
/// }
///
/// let mut carrier = std::collections::HashMap::new();
/// Ctx::builder().tenant(TenantId(7)).build().inject(&mut carrier).unwrap();
/// assert_eq!(carrier["baggage"], "tenant=t7");
/// assert_eq!(*Ctx::extract(&carrier).unwrap().build().tenant(), TenantId(7));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot cross a process boundary",
    label = "a `#[context(propagate)]` field is sent as text and read back",
    note = "a propagated field is written with `Display` and read back with `FromStr`: implement \
            both for `{Self}` (with a `FromStr::Err` that implements `Display`), or remove \
            `propagate`"
)]
pub trait Propagate: fmt::Display + Sized {
    /// Reads the value back from its `Display` text.
    ///
    /// # Errors
    ///
    /// The text, as the `FromStr` error says.
    fn from_text(text: &str) -> Result<Self, String>;
}

#[diagnostic::do_not_recommend]
impl<T> Propagate for T
where
    T: fmt::Display + FromStr,
    T::Err: fmt::Display,
{
    fn from_text(text: &str) -> Result<Self, String> {
        text.parse().map_err(|error: T::Err| error.to_string())
    }
}

/// Writes the `#[context(propagate)]` fields of **every context set here** (this task, or this
/// thread) into the carrier's `baggage`, keeping the entries already there: what
/// [`RequestContext::inject`](crate::RequestContext::inject) does for one context, for all of
/// them. Outside any context, the carrier is left as it was.
///
/// Two context types propagating a field of the same name write one entry, so give propagated
/// fields distinct names. [`PropagateLayer`](crate::PropagateLayer) calls this on every request.
///
/// # Errors
///
/// As [`RequestContext::inject`](crate::RequestContext::inject).
///
/// ```
/// use std::collections::HashMap;
/// use context_runtime::RequestContext;
///
/// #[derive(RequestContext)]
/// struct RequestCtx { #[context(propagate)] request_id: String }
///
/// #[derive(RequestContext)]
/// struct TenantCtx { #[context(propagate)] tenant: u64 }
///
/// let mut carrier = HashMap::new();
/// context_runtime::inject_current(&mut carrier).unwrap();
/// assert!(carrier.is_empty()); // no context here
///
/// RequestCtx::builder().request_id("r-1".into()).build().sync_scope(|| {
///     TenantCtx::builder().tenant(7).build().sync_scope(|| {
///         context_runtime::inject_current(&mut carrier).unwrap();
///     })
/// });
/// assert_eq!(carrier["baggage"], "request_id=r-1,tenant=7");
/// ```
pub fn inject_current(carrier: &mut (impl Carrier + ?Sized)) -> Result<(), CarrierError> {
    let mut baggage = Baggage::extract(carrier)?;
    write_current(&mut baggage)?;
    baggage.inject(carrier)
}

/// The `#[context(propagate)]` fields of every context set here, into `baggage`.
pub(crate) fn write_current(baggage: &mut Baggage) -> Result<(), CarrierError> {
    for registration in registry::registrations() {
        (registration.propagate)(baggage)?;
    }
    Ok(())
}

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
    let Some(text) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(CarrierError::Duplicate { field });
    }
    (codec.parse)(text)
        .map(Some)
        .map_err(|reason| CarrierError::Invalid { field, reason })
}
