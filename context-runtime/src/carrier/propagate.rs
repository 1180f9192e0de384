//! Writing contexts into carriers: [`Propagate`], what a propagated field's type must be, and
//! [`inject_current`], every context set here into a carrier.

use std::fmt;
use std::str::FromStr;

use super::baggage::{push_entry, push_field};
use super::inbound::Inbound;
use super::{BAGGAGE, Baggage, Carrier, CarrierError};
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
/// thread) into the carrier's `baggage`, and forwards the baggage this work received (from a
/// `ContextLayer` declared `.internal()`, or [`Baggage::scope`]) and the entries already in the carrier: what the
/// generated `inject` does for one context, for all of them. Outside any context and without
/// received baggage, the carrier is left as it was.
///
/// The contexts' fields go first, then the carrier's entries, then the received ones, each in
/// order and without an entry named like one of the fields (a `None` field included): a caller
/// cannot forge a field through you. When the list would exceed the W3C limits
/// ([`Baggage::MAX_LEN`], [`Baggage::MAX_ENTRIES`]), entries are dropped from its end, never
/// one of the fields: OpenTelemetry's parser, for one, reads only the first 64 entries. Two
/// context types propagating a field of the same name write one entry, so give propagated
/// fields distinct names. The `http` feature's `PropagateLayer` calls this on every request.
///
/// # Errors
///
/// The contexts' fields alone exceed the W3C limits.
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
/// carrier.insert("baggage".to_owned(), "vendor=x,tenant=999,bad=not encoded".to_owned());
/// RequestCtx::builder().request_id("r-1".into()).build().sync_scope(|| {
///     TenantCtx::builder().tenant(7).build().sync_scope(|| {
///         context_runtime::inject_current(&mut carrier).unwrap();
///     })
/// });
/// assert_eq!(carrier["baggage"], "request_id=r-1,tenant=7,vendor=x");
/// ```
pub fn inject_current(carrier: &mut (impl Carrier + ?Sized)) -> Result<(), CarrierError> {
    send_current(carrier, true)
}

/// [`inject_current`], forwarding the received baggage or not.
pub(crate) fn send_current(
    carrier: &mut (impl Carrier + ?Sized),
    forward: bool,
) -> Result<(), CarrierError> {
    send_current_then(carrier, forward, |_| {})
}

/// [`send_current`], with `after_own` run on the list once the contexts' own fields are in it
/// and before any foreign entry (where the `signing` feature adds its signature).
pub(crate) fn send_current_then(
    carrier: &mut (impl Carrier + ?Sized),
    forward: bool,
    after_own: impl FnOnce(&mut Outgoing),
) -> Result<(), CarrierError> {
    let existing = Existing::read(carrier);
    let mut out = Outgoing::new();
    out.current();
    after_own(&mut out);
    out.foreign(&existing.baggage, |_| false);
    if forward {
        out.received(|key| existing.baggage.get(key).is_some());
    }
    out.send(carrier, &existing)
}

/// What the generated `inject` does: the context's propagated fields into the carrier's baggage,
/// then the entries already there (but those named like a field), trimmed to the W3C limits as
/// [`inject_current`] does.
///
/// # Errors
///
/// The context's fields alone exceed the W3C limits.
pub fn inject<T: RequestContext>(
    context: &T,
    carrier: &mut (impl Carrier + ?Sized),
) -> Result<(), CarrierError> {
    let existing = Existing::read(carrier);
    let mut out = Outgoing::new();
    out.own(|visit| context.__propagate(visit));
    out.foreign(&existing.baggage, |_| false);
    out.send(carrier, &existing)
}

/// What the generated `write_baggage` does: the context's propagated fields into `baggage`
/// (each replacing the first entry of its name, or appended; a `None` field removes it).
///
/// # Errors
///
/// [`CarrierError::TooManyEntries`] when `baggage` is full.
pub fn write_baggage<T: RequestContext>(
    context: &T,
    baggage: &mut Baggage,
) -> Result<(), CarrierError> {
    let mut result = Ok(());
    context.__propagate(&mut |field, value| {
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

/// The key of the baggage entry that signs the contexts' fields (feature `signing`). Not a Rust
/// identifier (it holds a `-`), so never a field's name; never forwarded, with the feature or
/// without.
pub(crate) const SIGNATURE: &str = "context-sig";

/// The baggage a carrier held before we wrote to it.
pub(crate) struct Existing {
    baggage: Baggage,
    /// Whether it had a `baggage` key at all: then it is replaced, even by an empty list.
    present: bool,
}

impl Existing {
    pub(crate) fn read(carrier: &(impl Carrier + ?Sized)) -> Self {
        let (baggage, present) = Baggage::extract_present(carrier, &[]);
        Self { baggage, present }
    }

    /// Nothing: for a carrier that cannot be read (an OpenTelemetry injector).
    #[cfg(feature = "opentelemetry")]
    pub(crate) fn none() -> Self {
        Self {
            baggage: Baggage::new(),
            present: false,
        }
    }
}

/// The list being sent, written straight into the header's `String`: the contexts' own fields
/// first, then foreign entries that are not theirs, trimmed from the end to the W3C limits.
pub(crate) struct Outgoing {
    list: String,
    /// Where the contexts' own fields end in `list`, and how many they are.
    own_end: usize,
    own_count: usize,
    /// The contexts' field names, with a value or without (`None`): no foreign entry goes out
    /// under them.
    taken: Vec<&'static str>,
    /// Where each foreign entry ends in `list`, to drop them from the end.
    ends: Vec<usize>,
}

impl Outgoing {
    pub(crate) fn new() -> Self {
        Self {
            // Room for a few fields: one allocation in the common case.
            list: String::with_capacity(128),
            own_end: 0,
            own_count: 0,
            taken: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// The propagated fields of every context set here.
    pub(crate) fn current(&mut self) {
        registry::for_each_current(|context| {
            self.own(|visit| context.propagated_fields(visit));
        });
    }

    /// The fields `fields` visits, as own entries. Must come before any foreign entry. A field
    /// already written (two context types propagating one name) keeps its first value.
    fn own(
        &mut self,
        fields: impl FnOnce(&mut dyn FnMut(&'static str, Option<&dyn fmt::Display>)),
    ) {
        debug_assert!(self.ends.is_empty(), "own fields go first");
        fields(&mut |field, value| {
            if self.taken.contains(&field) {
                return;
            }
            self.taken.push(field);
            if let Some(value) = value {
                push_field(&mut self.list, field, value);
                self.own_end = self.list.len();
                self.own_count += 1;
            }
        });
    }

    /// The own entries written so far (`key=value` joined by `,`, values percent-encoded), and
    /// how many they are: what a signature covers.
    #[cfg(feature = "signing")]
    pub(crate) fn own_entries(&self) -> (&str, usize) {
        (&self.list[..self.own_end], self.own_count)
    }

    /// One more own entry after the fields (a signature): counted as own, so never trimmed.
    /// Must come before any foreign entry; `key` is a token and `properties` well-formed.
    #[cfg(feature = "signing")]
    pub(crate) fn own_entry(&mut self, key: &str, value: &str, properties: &str) {
        debug_assert!(self.ends.is_empty(), "own entries go first");
        push_entry(&mut self.list, key, value, properties);
        self.own_end = self.list.len();
        self.own_count += 1;
    }

    /// The entries of `from` that are not the contexts' own, nor `skip`ped (those of an earlier
    /// source), after those already here.
    pub(crate) fn foreign(&mut self, from: &Baggage, skip: impl Fn(&str) -> bool) {
        for (key, value, properties) in from.iter_with_properties() {
            if !skip(key) {
                self.foreign_entry(key, value, properties);
            }
        }
    }

    /// One foreign entry, unless it is named like a context's field, or is a signature (a
    /// received one covers the sender's entries, not ours: a hop signs its own, and a stale
    /// signature next to rewritten fields would only be refused). `key` is a token and
    /// `properties` well-formed.
    pub(crate) fn foreign_entry(&mut self, key: &str, value: &str, properties: &str) {
        if key != SIGNATURE && !self.taken.contains(&key) {
            push_entry(&mut self.list, key, value, properties);
            self.ends.push(self.list.len());
        }
    }

    /// The baggage this work received, forwarded; `skip`ped keys were sent from another source.
    pub(crate) fn received(&mut self, skip: impl Fn(&str) -> bool) {
        Inbound::try_with(|inbound| self.foreign(&inbound.baggage, skip));
    }

    /// Trims the list to the limits and writes it, replacing the carrier's `existing` baggage.
    ///
    /// # Errors
    ///
    /// The own entries alone exceed the limits.
    pub(crate) fn send(
        mut self,
        carrier: &mut (impl Carrier + ?Sized),
        existing: &Existing,
    ) -> Result<(), CarrierError> {
        if self.own_end > Baggage::MAX_LEN {
            return Err(CarrierError::TooLarge { len: self.own_end });
        }
        if self.own_count > Baggage::MAX_ENTRIES {
            return Err(CarrierError::TooManyEntries);
        }
        while self.list.len() > Baggage::MAX_LEN
            || self.own_count + self.ends.len() > Baggage::MAX_ENTRIES
        {
            // The last foreign entry and the `,` before it; what is left ends where the one
            // before it did.
            self.ends.pop();
            let end = self.ends.last().copied().unwrap_or(self.own_end);
            self.list.truncate(end);
        }
        if !self.list.is_empty() || existing.present {
            // An empty list replaces what was there: it was not ours to send (a `None` field's
            // name, or not in the format).
            carrier.set(BAGGAGE, self.list);
        }
        Ok(())
    }
}
