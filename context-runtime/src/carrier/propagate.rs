//! Writing contexts into carriers: [`Propagate`], what a propagated field's type must be, and
//! [`inject_current`], every context set here into a carrier.

use std::fmt;
use std::str::FromStr;

use super::{Baggage, Carrier, CarrierError};
use crate::RequestContext;
use crate::core::registry;

/// A type a `#[context(propagate)]` field can have: it crosses a process boundary as text,
/// written with `Display` and read back with `FromStr`.
///
/// Implemented for every type with both (and a `FromStr` error that implements `Display`):
/// strings, numbers, `bool`, `IpAddr`, `Uuid`, `RequestId`, your own ids.
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
/// thread) into the carrier's `baggage`, keeping the entries already there: what the generated
/// `inject` does for one context, for all of them. Outside any context, the carrier is left as it
/// was.
///
/// Two context types propagating a field of the same name write one entry, so give propagated
/// fields distinct names. The `http` feature's `PropagateLayer` calls this on every
/// request.
///
/// # Errors
///
/// The carrier already holds malformed baggage, or the result would exceed the W3C limits
/// ([`Baggage::MAX_LEN`], [`Baggage::MAX_ENTRIES`]).
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
    let mut result = Ok(());
    registry::for_each_current(|context| {
        if result.is_ok() {
            result = write_fields(baggage, |visit| context.propagated_fields(visit));
        }
    });
    result
}

/// What the generated `inject` does: the context's propagated fields into the carrier's baggage,
/// keeping the entries already there.
///
/// # Errors
///
/// As [`inject_current`].
pub fn inject<T: RequestContext>(
    context: &T,
    carrier: &mut (impl Carrier + ?Sized),
) -> Result<(), CarrierError> {
    let mut baggage = Baggage::extract(carrier)?;
    write_baggage(context, &mut baggage)?;
    baggage.inject(carrier)
}

/// What the generated `write_baggage` does: the context's propagated fields into `baggage`.
///
/// # Errors
///
/// [`CarrierError::TooManyEntries`] when `baggage` is full.
pub fn write_baggage<T: RequestContext>(
    context: &T,
    baggage: &mut Baggage,
) -> Result<(), CarrierError> {
    write_fields(baggage, |visit| context.__propagate(visit))
}

/// Sets each field `fields` visits in `baggage`; a `None` removes the entry of that name, which
/// would not be this context's word.
fn write_fields(
    baggage: &mut Baggage,
    fields: impl FnOnce(&mut dyn FnMut(&'static str, Option<&dyn fmt::Display>)),
) -> Result<(), CarrierError> {
    let mut result = Ok(());
    fields(&mut |field, value| {
        if result.is_err() {
            return;
        }
        match value {
            Some(value) => result = baggage.insert_field(field, value.to_string()),
            None => {
                baggage.remove(field);
            }
        }
    });
    result
}
