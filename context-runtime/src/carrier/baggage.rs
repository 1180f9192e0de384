//! [`Baggage`]: the W3C Baggage list (`baggage: tenant=7,request_id=r-1;prop`), parsed leniently
//! (an entry that is not ours and not in the format is left out, the rest is kept) or strictly,
//! and rendered with the percent-encoding every major implementation reads back. What crosses a
//! process boundary.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::future::Future;
use std::str::FromStr;

use super::inbound::Inbound;
use super::{Carrier, CarrierError};

/// The name of the W3C Baggage header, and the key of the entry list in any text-map carrier.
///
/// ```
/// # use std::collections::HashMap;
/// # use context_runtime::{BAGGAGE, Baggage};
/// let mut carrier = HashMap::new();
/// Baggage::parse("tenant=7").inject(&mut carrier).unwrap();
/// assert_eq!(carrier[BAGGAGE], "tenant=7");
/// ```
pub const BAGGAGE: &str = "baggage";

/// A W3C Baggage entry list: the `baggage` header's value, parsed.
///
/// Keys are tokens (RFC 7230); values are any UTF-8 text, percent-encoded on the wire as the
/// [W3C Baggage](https://www.w3.org/TR/baggage/) spec says (and `=` too, which OpenTelemetry's
/// parser would otherwise split on); properties after `;` are kept as received, for forwarding.
///
/// Input is read the way the spec allows and real peers need: [`parse`](Self::parse) and
/// [`extract`](Self::extract) leave out an entry that is not in the format (a space or a quote
/// in a value, no `=`, a key that is not a token) or that is past the limits
/// ([`MAX_LEN`](Self::MAX_LEN) bytes, [`MAX_ENTRIES`](Self::MAX_ENTRIES) entries), and keep the
/// rest: a third party's sloppy entry never costs a request. A context's own field is never
/// silently lost that way: `extract` / `from_baggage` report it as a [`CarrierError`] naming the
/// field. [`parse_strict`](Self::parse_strict) (and `str::parse`) refuse the whole list instead.
/// Nothing here panics.
///
/// A context's `#[context(propagate)]` fields are entries named after the fields
/// (the generated `inject` writes them, the generated `extract` / `from_baggage` read
/// them). Entries of other producers are kept, in order, so a service can forward what it
/// received ([`scope`](Self::scope)).
///
/// ```
/// use context_runtime::Baggage;
///
/// let mut baggage = Baggage::parse("tenant=7, user=J%C3%BCrgen;owner=billing, vendor=x, bad=a b");
/// assert_eq!(baggage.get("user"), Some("Jürgen"));
/// assert_eq!((baggage.len(), baggage.dropped()), (3, 1)); // `bad=a b` is not in the format
/// baggage.insert("tenant", "8 = east").unwrap();
/// baggage.remove("vendor");
/// assert_eq!(baggage.to_string(), "tenant=8%20%3D%20east,user=J%C3%BCrgen;owner=billing");
///
/// assert!("a=1,bad=a b".parse::<Baggage>().is_err()); // strict: all or nothing
/// ```
#[derive(Clone, Default)]
pub struct Baggage {
    entries: Vec<Entry>,
    /// Members the lenient parse left out, by key (when the key was a token): a context's field
    /// among them is reported as invalid, not as missing.
    rejected: Vec<Rejected>,
    /// How many members the lenient parse left out.
    dropped: usize,
}

#[derive(Clone, PartialEq, Eq)]
struct Entry {
    /// Borrowed for a context's field names, which are `'static`.
    key: Cow<'static, str>,
    /// Decoded.
    value: String,
    /// As received without the leading `;` and optional whitespace: opaque to the spec, and to us.
    properties: String,
}

/// A member left out by the lenient parse.
#[derive(Clone)]
struct Rejected {
    key: Cow<'static, str>,
    reason: &'static str,
}

/// Reasons, each also the `reason` of [`CarrierError::Malformed`] from a strict parse.
const NOT_A_PAIR: &str = "a baggage entry must be `key=value`";
const NOT_A_TOKEN: &str =
    "a baggage key must be a non-empty token (letters, digits and !#$%&'*+-.^_`|~)";
const NOT_ENCODED: &str = "a baggage value must be percent-encoded: no spaces, quotes, commas, \
                           semicolons, backslashes or non-ASCII characters";
const BAD_PROPERTY: &str =
    "a baggage property must be `key` or `key=value` (a token, and baggage octets)";
const PAST_THE_LIMITS: &str = "the entry is past the W3C limits (8192 bytes, 180 entries)";
const TOO_LONG: &str = "the entry alone is longer than the 8192 bytes a baggage list may hold";

impl Baggage {
    /// The most entries kept: the spec's grammar allows 180 list-members (and requires at
    /// least 64 to be propagated).
    pub const MAX_ENTRIES: usize = 180;

    /// The longest entry list kept or sent, in bytes: the spec requires at least 8192 to be
    /// propagated; OpenTelemetry refuses more.
    pub const MAX_LEN: usize = 8192;

    /// An empty list.
    ///
    /// ```
    /// # use context_runtime::Baggage;
    /// assert!(Baggage::new().is_empty());
    /// ```
    pub const fn new() -> Self {
        Self {
            entries: Vec::new(),
            rejected: Vec::new(),
            dropped: 0,
        }
    }

    /// Parses a `baggage` header value, leniently: a member that is not in the format is left
    /// out (counted by [`dropped`](Self::dropped)), and so is every member past the limits
    /// ([`MAX_LEN`](Self::MAX_LEN) bytes, [`MAX_ENTRIES`](Self::MAX_ENTRIES) entries); the rest
    /// is kept, in order. Empty list members and optional whitespace are accepted, as the spec
    /// requires; a `%` that does not start an escape of two hex digits is read as itself (what
    /// OpenTelemetry sends for a value holding `%`).
    ///
    /// ```
    /// # use context_runtime::Baggage;
    /// let baggage = Baggage::parse(" a = 1 ;p, b=2, flag, c=50%off, d=\"q\", e=caf\u{e9}");
    /// assert_eq!(baggage.iter().collect::<Vec<_>>(), [("a", "1"), ("b", "2"), ("c", "50%off")]);
    /// assert_eq!(baggage.dropped(), 3);
    /// ```
    pub fn parse(list: &str) -> Self {
        let mut parser = Parser::new(&[]);
        parser.list(list);
        parser.baggage
    }

    /// Parses a `baggage` header value, all or nothing: the first member that is not in the
    /// format, or a list past the limits, refuses the whole list (the same as `str::parse`).
    ///
    /// # Errors
    ///
    /// [`CarrierError::TooLarge`], [`CarrierError::TooManyEntries`] or
    /// [`CarrierError::Malformed`].
    ///
    /// ```
    /// # use context_runtime::{Baggage, CarrierError};
    /// assert_eq!(Baggage::parse_strict("a=1,b=2").unwrap().len(), 2);
    /// assert!(matches!(Baggage::parse_strict("a=1,flag"), Err(CarrierError::Malformed { .. })));
    ///
    /// let huge = "k=v,".repeat(3000);
    /// assert!(matches!(Baggage::parse_strict(&huge), Err(CarrierError::TooLarge { .. })));
    /// ```
    pub fn parse_strict(list: &str) -> Result<Self, CarrierError> {
        if list.len() > Self::MAX_LEN {
            return Err(CarrierError::TooLarge { len: list.len() });
        }
        let mut entries = Vec::new();
        for member in list.split(',').map(trim_ows).filter(|m| !m.is_empty()) {
            if entries.len() == Self::MAX_ENTRIES {
                return Err(CarrierError::TooManyEntries);
            }
            let entry =
                Entry::parse(member, None).map_err(|reason| CarrierError::Malformed { reason })?;
            entries.push(entry);
        }
        Ok(Self {
            entries,
            ..Self::new()
        })
    }

    /// The entries of the carrier's `baggage` key (every `baggage` header of an HTTP request,
    /// read as one list), leniently as [`parse`](Self::parse); empty when it has none.
    ///
    /// ```
    /// # use std::collections::HashMap;
    /// # use context_runtime::Baggage;
    /// let carrier = HashMap::from([("baggage".to_owned(), "tenant=7,vendor=bad value".to_owned())]);
    /// assert_eq!(Baggage::extract(&carrier).get("tenant"), Some("7"));
    /// assert!(Baggage::extract(&HashMap::new()).is_empty());
    /// ```
    pub fn extract(carrier: &(impl Carrier + ?Sized)) -> Self {
        Self::extract_keeping(carrier, &[])
    }

    /// Like [`extract`](Self::extract), but an entry under one of the `own` keys (a context's
    /// propagated fields) is kept past the limits: what the generated `extract` reads.
    pub(crate) fn extract_keeping(carrier: &(impl Carrier + ?Sized), own: &[&'static str]) -> Self {
        Self::extract_present(carrier, own).0
    }

    /// [`extract_keeping`](Self::extract_keeping), and whether the carrier has a `baggage` key
    /// at all.
    pub(crate) fn extract_present(
        carrier: &(impl Carrier + ?Sized),
        own: &[&'static str],
    ) -> (Self, bool) {
        let mut parser = Parser::new(own);
        let mut present = false;
        carrier.get_all(BAGGAGE, &mut |list| {
            present = true;
            parser.list(list);
        });
        (parser.baggage, present)
    }

    /// The carrier's `baggage`, all or nothing as [`parse_strict`](Self::parse_strict) (several
    /// `baggage` headers are one list, limits included); empty when it has none.
    ///
    /// # Errors
    ///
    /// As [`parse_strict`](Self::parse_strict).
    ///
    /// ```
    /// # use std::collections::HashMap;
    /// # use context_runtime::Baggage;
    /// let carrier = HashMap::from([("baggage".to_owned(), "tenant=7,vendor=bad value".to_owned())]);
    /// assert!(Baggage::extract_strict(&carrier).is_err());
    /// ```
    pub fn extract_strict(carrier: &(impl Carrier + ?Sized)) -> Result<Self, CarrierError> {
        let mut list = String::new();
        carrier.get_all(BAGGAGE, &mut |value| {
            if !list.is_empty() {
                list.push(',');
            }
            list.push_str(value);
        });
        Self::parse_strict(&list)
    }

    /// The first entry's value under `key`, decoded.
    ///
    /// ```
    /// # use context_runtime::Baggage;
    /// let baggage = Baggage::parse("a=1,a=2");
    /// assert_eq!(baggage.get("a"), Some("1"));
    /// assert_eq!(baggage.get("b"), None);
    /// ```
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values(key).next()
    }

    /// Every value under `key`, in order: the spec allows a key more than once.
    pub(crate) fn values<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a str> {
        self.entries
            .iter()
            .filter(move |entry| entry.key == key)
            .map(|entry| entry.value.as_str())
    }

    /// Why the lenient parse left out a member under `key`, if it did.
    pub(crate) fn rejection(&self, key: &str) -> Option<&'static str> {
        self.rejected
            .iter()
            .find(|rejected| rejected.key == key)
            .map(|rejected| rejected.reason)
    }

    /// Sets `key` to `value`: replaces the first entry under `key` (dropping its properties and
    /// any later duplicates), or appends one.
    ///
    /// # Errors
    ///
    /// [`CarrierError::Malformed`] when `key` is not a token (letters, digits and
    /// ``!#$%&'*+-.^_`|~``), and [`CarrierError::TooManyEntries`] when the list is full.
    ///
    /// ```
    /// # use context_runtime::Baggage;
    /// let mut baggage = Baggage::new();
    /// baggage.insert("greeting", "hello, world").unwrap();
    /// assert_eq!(baggage.to_string(), "greeting=hello%2C%20world");
    /// assert!(baggage.insert("not a key", "x").is_err());
    /// ```
    pub fn insert(&mut self, key: &str, value: impl Into<String>) -> Result<(), CarrierError> {
        self.set(Cow::Owned(key.to_owned()), value.into())
    }

    /// [`insert`](Self::insert) for a context's field, whose name needs no copy.
    pub(crate) fn insert_field(
        &mut self,
        field: &'static str,
        value: String,
    ) -> Result<(), CarrierError> {
        self.set(Cow::Borrowed(field), value)
    }

    fn set(&mut self, key: Cow<'static, str>, value: String) -> Result<(), CarrierError> {
        if !is_token(&key) {
            return Err(CarrierError::Malformed {
                reason: NOT_A_TOKEN,
            });
        }
        if let Some(first) = self.keep_first(&key) {
            self.entries[first].value = value;
            self.entries[first].properties.clear();
            return Ok(());
        }
        if self.entries.len() == Self::MAX_ENTRIES {
            return Err(CarrierError::TooManyEntries);
        }
        self.entries.push(Entry {
            key,
            value,
            properties: String::new(),
        });
        Ok(())
    }

    /// Removes every entry under `key`; returns the first one's value.
    ///
    /// ```
    /// # use context_runtime::Baggage;
    /// let mut baggage = Baggage::parse("a=1,b=2");
    /// assert_eq!(baggage.remove("a").as_deref(), Some("1"));
    /// assert_eq!(baggage.to_string(), "b=2");
    /// ```
    pub fn remove(&mut self, key: &str) -> Option<String> {
        let first = self.keep_first(key)?;
        Some(self.entries.remove(first).value)
    }

    /// Drops every entry under `key` but the first; returns the first one's position.
    fn keep_first(&mut self, key: &str) -> Option<usize> {
        let first = self.entries.iter().position(|entry| entry.key == key)?;
        let mut index = 0;
        self.entries.retain(|entry| {
            index += 1;
            index - 1 <= first || entry.key != key
        });
        Some(first)
    }

    /// The entries, `(key, decoded value)`, in order.
    ///
    /// ```
    /// # use context_runtime::Baggage;
    /// let baggage = Baggage::parse("a=1,b=%3D");
    /// assert_eq!(baggage.iter().collect::<Vec<_>>(), [("a", "1"), ("b", "=")]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|entry| (&*entry.key, entry.value.as_str()))
    }

    /// The entries with their properties, `(key, decoded value, properties)`, in order.
    pub(crate) fn iter_with_properties(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.entries
            .iter()
            .map(|entry| (&*entry.key, entry.value.as_str(), entry.properties.as_str()))
    }

    /// The number of entries.
    ///
    /// ```
    /// # use context_runtime::Baggage;
    /// assert_eq!(Baggage::parse("a=1,,b=2").len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    ///
    /// ```
    /// # use context_runtime::Baggage;
    /// assert!(Baggage::parse(" , ").is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many members of the received list the lenient parse left out: not in the format, or
    /// past the limits. Worth a log line (never the values: they may be hostile).
    ///
    /// ```
    /// # use context_runtime::Baggage;
    /// assert_eq!(Baggage::parse("a=1,b=two words,c").dropped(), 2);
    /// assert_eq!(Baggage::parse(&"k=v,".repeat(200)).dropped(), 20);
    /// ```
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// Writes the entries into the carrier's `baggage` key, replacing what it held. Nothing is
    /// written for an empty list.
    ///
    /// # Errors
    ///
    /// [`CarrierError::TooLarge`] when the rendered list exceeds [`MAX_LEN`](Self::MAX_LEN):
    /// the next service would refuse it.
    ///
    /// ```
    /// # use std::collections::HashMap;
    /// # use context_runtime::Baggage;
    /// let mut carrier = HashMap::new();
    /// Baggage::parse("tenant=7").inject(&mut carrier).unwrap();
    /// assert_eq!(carrier["baggage"], "tenant=7");
    /// ```
    pub fn inject(&self, carrier: &mut (impl Carrier + ?Sized)) -> Result<(), CarrierError> {
        if self.is_empty() {
            return Ok(());
        }
        let len = self.rendered_len();
        if len > Self::MAX_LEN {
            return Err(CarrierError::TooLarge { len });
        }
        let mut list = String::with_capacity(len);
        write!(list, "{self}").unwrap_or_else(|_| unreachable!("writing to a String"));
        carrier.set(BAGGAGE, list);
        Ok(())
    }

    /// The length of the header form, in bytes.
    fn rendered_len(&self) -> usize {
        let entries: usize = self.entries.iter().map(Entry::rendered_len).sum();
        entries + self.entries.len().saturating_sub(1)
    }

    /// Runs `fut` with these entries as the baggage this work **received**: `inject_current`
    /// and the `http` feature's `PropagateLayer` forward them, after the propagated fields of
    /// the contexts set there (an entry named like one of those fields is theirs, not
    /// forwarded). `ContextLayer` does this for every request it believes the `baggage` of (one
    /// declared `.internal()`); do it by hand where a context
    /// is rebuilt from a carrier of your own (a job worker). Spawned work inherits it as it
    /// inherits contexts (`#[with_context]` without types, `Snapshot`, the spawn helpers).
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use context_runtime::{Baggage, RequestContext};
    ///
    /// #[derive(RequestContext)]
    /// struct JobCtx { #[context(propagate)] tenant: u64 }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// // a job's headers, from a producer that also sends its own entries
    /// let job = HashMap::from([("baggage".to_owned(), "tenant=7,vendor=acme".to_owned())]);
    /// let received = Baggage::extract(&job);
    /// let ctx = JobCtx::from_baggage(&received).unwrap().build();
    ///
    /// let sent = ctx.scope(received.scope(async {
    ///     let mut outgoing = HashMap::new();
    ///     context_runtime::inject_current(&mut outgoing).unwrap();
    ///     outgoing
    /// })).await;
    /// assert_eq!(sent["baggage"], "tenant=7,vendor=acme");
    /// # }
    /// ```
    pub fn scope<F: Future>(self, fut: F) -> impl Future<Output = F::Output> {
        Inbound::received(self).scope(fut)
    }

    /// [`scope`](Self::scope) for blocking code: runs `f` with these entries as the baggage
    /// this work received.
    ///
    /// ```
    /// # use std::collections::HashMap;
    /// # use context_runtime::Baggage;
    /// let sent = Baggage::parse("vendor=acme").sync_scope(|| {
    ///     let mut outgoing = HashMap::new();
    ///     context_runtime::inject_current(&mut outgoing).unwrap();
    ///     outgoing
    /// });
    /// assert_eq!(sent["baggage"], "vendor=acme");
    /// ```
    pub fn sync_scope<R>(self, f: impl FnOnce() -> R) -> R {
        Inbound::received(self).sync_scope(f)
    }
}

/// The lenient parse: members one by one, from one or more lists.
struct Parser<'a> {
    /// Keys kept past the limits, and never recorded as merely dropped.
    own: &'a [&'static str],
    baggage: Baggage,
    /// The rendered bytes of the kept entries, with their separators.
    len: usize,
    /// The bytes of the keys in `baggage.rejected`: bounded, as everything kept from input.
    rejected_len: usize,
}

impl<'a> Parser<'a> {
    fn new(own: &'a [&'static str]) -> Self {
        Self {
            own,
            baggage: Baggage::new(),
            len: 0,
            rejected_len: 0,
        }
    }

    fn list(&mut self, list: &str) {
        for member in list.split(',') {
            self.member(trim_ows(member));
        }
    }

    fn member(&mut self, member: &str) {
        if member.is_empty() {
            return;
        }
        let key_end = member.bytes().position(|byte| byte == b'=' || byte == b';');
        let key = trim_ows(&member[..key_end.unwrap_or(member.len())]);
        let own = self.own.iter().copied().find(|own| *own == key);
        let entry = match Entry::parse(member, own) {
            Ok(entry) => entry,
            Err(reason) => return self.reject(key, own, reason),
        };
        let rendered = entry.rendered_len();
        let len = rendered + usize::from(!self.baggage.is_empty());
        let fits = self.baggage.len() < Baggage::MAX_ENTRIES && self.len + len <= Baggage::MAX_LEN;
        if own.is_some() && rendered > Baggage::MAX_LEN {
            return self.reject(key, own, TOO_LONG);
        }
        if !fits && own.is_none() {
            return self.reject(key, own, PAST_THE_LIMITS);
        }
        self.len += len;
        self.baggage.entries.push(entry);
    }

    fn reject(&mut self, key: &str, own: Option<&'static str>, reason: &'static str) {
        self.baggage.dropped += 1;
        let key = match own {
            Some(own) => Cow::Borrowed(own),
            None if is_token(key)
                && self.baggage.rejected.len() < Baggage::MAX_ENTRIES
                && self.rejected_len + key.len() <= Baggage::MAX_LEN =>
            {
                self.rejected_len += key.len();
                Cow::Owned(key.to_owned())
            }
            None => return,
        };
        self.baggage.rejected.push(Rejected { key, reason });
    }
}

impl Entry {
    /// The length of the header form, in bytes.
    fn rendered_len(&self) -> usize {
        let value: usize = self.value.bytes().map(encoded_len).sum();
        let properties = if self.properties.is_empty() {
            0
        } else {
            1 + self.properties.len()
        };
        self.key.len() + 1 + value + properties
    }

    /// `key OWS "=" OWS value *( OWS ";" OWS property )`, already trimmed; `own` is the key,
    /// when it is one of a context's fields (borrowed rather than copied).
    fn parse(member: &str, own: Option<&'static str>) -> Result<Self, &'static str> {
        let (pair, properties) = split_at_byte(member, b';').unwrap_or((member, ""));
        let (key, value) = split_at_byte(pair, b'=').ok_or(NOT_A_PAIR)?;
        let (key, value) = (trim_ows(key), trim_ows(value));
        if !is_token(key) {
            return Err(NOT_A_TOKEN);
        }
        if !value.bytes().all(is_baggage_octet) {
            return Err(NOT_ENCODED);
        }
        Ok(Self {
            key: own.map_or_else(|| Cow::Owned(key.to_owned()), Cow::Borrowed),
            value: decode(value),
            properties: properties_of(properties)?,
        })
    }
}

/// The properties after an entry's first `;`, each `key` or `key=value`, without the optional
/// whitespace around their parts: kept as received otherwise, since they are opaque.
fn properties_of(properties: &str) -> Result<String, &'static str> {
    let mut out = String::new();
    if properties.is_empty() {
        return Ok(out);
    }
    for property in properties.split(';') {
        let (key, value) = match property.split_once('=') {
            Some((key, value)) => (trim_ows(key), Some(trim_ows(value))),
            // An empty property (`k=v;;p`) is skipped, like an empty list member.
            None if trim_ows(property).is_empty() => continue,
            None => (trim_ows(property), None),
        };
        if !is_token(key) || !value.unwrap_or("").bytes().all(is_baggage_octet) {
            return Err(BAD_PROPERTY);
        }
        if !out.is_empty() {
            out.push(';');
        }
        out.push_str(key);
        if let Some(value) = value {
            out.push('=');
            out.push_str(value);
        }
    }
    Ok(out)
}

/// A value of baggage octets percent-decoded, as [`Baggage`] holds it: borrowed when it holds
/// no `%`.
#[cfg(feature = "signing")]
pub(crate) fn decoded(value: &str) -> Cow<'_, str> {
    if value.contains('%') {
        Cow::Owned(decode(value))
    } else {
        Cow::Borrowed(value)
    }
}

/// Percent-decodes a value of baggage octets. A `%` that does not start an escape of two hex
/// digits is itself (as URL decoders and OpenTelemetry read it); the decoded bytes are read as
/// UTF-8 with invalid sequences replaced by U+FFFD, as the spec requires.
fn decode(value: &str) -> String {
    if !value.contains('%') {
        return value.to_owned();
    }
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&byte, tail)) = rest.split_first() {
        let escape = (byte == b'%')
            .then(|| tail.get(..2))
            .flatten()
            .and_then(|hex| Some(hex_digit(hex[0])? * 16 + hex_digit(hex[1])?));
        if let Some(decoded) = escape {
            out.push(decoded);
            rest = &tail[2..];
        } else {
            out.push(byte);
            rest = tail;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_digit(byte: u8) -> Option<u8> {
    char::from(byte)
        .to_digit(16)
        .and_then(|digit| u8::try_from(digit).ok())
}

/// `%x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E`: visible ASCII but `"`, `,`, `;` and `\`.
const fn is_baggage_octet(byte: u8) -> bool {
    matches!(byte, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
}

/// Whether a value's byte goes out as is: a baggage octet, but not `%` (which starts an escape)
/// nor `=` (on which OpenTelemetry's parser splits an entry, value included).
fn is_plain(byte: u8) -> bool {
    PLAIN[usize::from(byte)]
}

/// [`is_plain`] for every byte: a table, since every byte of every value sent is looked up.
const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        // `byte < 256`: the cast is exact.
        #[allow(clippy::cast_possible_truncation)]
        let octet = byte as u8;
        table[byte] = is_baggage_octet(octet) && octet != b'%' && octet != b'=';
        byte += 1;
    }
    table
};

/// The rendered length of one byte of a value.
fn encoded_len(byte: u8) -> usize {
    if is_plain(byte) { 1 } else { 3 }
}

/// RFC 7230 `token`: one or more of `tchar`.
pub(crate) fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte))
}

/// RFC 7230 `OWS`: spaces and tabs.
fn trim_ows(text: &str) -> &str {
    // Bytes, not chars: this runs on every part of every member received.
    let is_ows = |byte: &u8| matches!(byte, b' ' | b'\t');
    let bytes = text.as_bytes();
    let start = bytes.iter().position(|b| !is_ows(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !is_ows(b))
        .map_or(start, |last| last + 1);
    &text[start..end]
}

/// `text` split at its first `delimiter` (an ASCII byte), or `None`: a byte search, cheaper
/// than a `char` pattern on the short parts of a member.
fn split_at_byte(text: &str, delimiter: u8) -> Option<(&str, &str)> {
    let at = text.bytes().position(|byte| byte == delimiter)?;
    Some((&text[..at], &text[at + 1..]))
}

/// Writes `text` percent-encoded: every byte that is not [plain](is_plain).
struct Encoder<'a, W>(&'a mut W);

impl<W: fmt::Write> fmt::Write for Encoder<'_, W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let mut plain = 0;
        for (index, byte) in text.bytes().enumerate() {
            if is_plain(byte) {
                continue;
            }
            // Bytes before `plain` were escaped: a run of plain bytes is ASCII, so both ends of a
            // non-empty run are char boundaries (an empty one may sit inside a char).
            if plain < index {
                self.0.write_str(&text[plain..index])?;
            }
            self.0.write_char('%')?;
            self.0.write_char(char::from(HEX[usize::from(byte >> 4)]))?;
            self.0
                .write_char(char::from(HEX[usize::from(byte & 0xF)]))?;
            plain = index + 1;
        }
        if plain < text.len() {
            self.0.write_str(&text[plain..])?;
        }
        Ok(())
    }
}

/// Appends `key=` to a list being written, after a `,` unless it is the first entry.
fn start_entry(list: &mut impl fmt::Write, first: bool, key: &str) -> fmt::Result {
    if !first {
        list.write_char(',')?;
    }
    list.write_str(key)?;
    list.write_char('=')
}

/// Appends the entry `key=value;properties` to a list being written, the value percent-encoded.
/// `key` must be a token and `properties` well-formed (or empty).
fn write_entry(
    list: &mut impl fmt::Write,
    first: bool,
    key: &str,
    value: &str,
    properties: &str,
) -> fmt::Result {
    start_entry(list, first, key)?;
    Encoder(list).write_str(value)?;
    if !properties.is_empty() {
        list.write_char(';')?;
        list.write_str(properties)?;
    }
    Ok(())
}

/// [`write_entry`] into a `String`, which cannot fail.
pub(crate) fn push_entry(list: &mut String, key: &str, value: &str, properties: &str) {
    write_entry(list, list.is_empty(), key, value, properties)
        .unwrap_or_else(|_| unreachable!("writing to a String"));
}

/// Appends a context's field, `key=` and its `Display` text percent-encoded, to a list being
/// written: formatted straight into the list, with no `String` of its own.
pub(crate) fn push_field(list: &mut String, key: &str, value: &dyn fmt::Display) {
    let first = list.is_empty();
    start_entry(list, first, key)
        .and_then(|()| write!(Encoder(list), "{value}"))
        .unwrap_or_else(|_| unreachable!("writing to a String"));
}

/// The properties of an entry from another system's API (OpenTelemetry's baggage metadata), if
/// they are well-formed.
#[cfg(feature = "opentelemetry")]
pub(crate) fn foreign_properties(properties: &str) -> Option<String> {
    properties_of(properties).ok()
}

/// The header form: `key=value;properties` joined by `,`, values percent-encoded.
impl fmt::Display for Baggage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, entry) in self.entries.iter().enumerate() {
            write_entry(f, index == 0, &entry.key, &entry.value, &entry.properties)?;
        }
        Ok(())
    }
}

/// Keys and values only: baggage is user data, but not secret (sensitive fields never enter it).
impl fmt::Debug for Baggage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Equal entries (keys, values, properties, in order); what a parse left out is not compared.
impl PartialEq for Baggage {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl Eq for Baggage {}

/// Strict, as [`Baggage::parse_strict`]: a `Result` says all or nothing.
impl FromStr for Baggage {
    type Err = CarrierError;

    fn from_str(list: &str) -> Result<Self, CarrierError> {
        Self::parse_strict(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_examples_parse() {
        let baggage = Baggage::parse_strict(
            "key1=value1;property1;property2, key2 = value2, key3=value3; propertyKey=propertyValue",
        )
        .unwrap();
        assert_eq!(
            baggage.iter().collect::<Vec<_>>(),
            [("key1", "value1"), ("key2", "value2"), ("key3", "value3")]
        );
        assert_eq!(
            baggage.to_string(),
            "key1=value1;property1;property2,key2=value2,key3=value3;propertyKey=propertyValue"
        );
        let spaced = Baggage::parse_strict("k=v; p1 ;\tp2 = x ").unwrap();
        assert_eq!(spaced.to_string(), "k=v;p1;p2=x");
        let baggage = Baggage::parse("userId=alice,serverNode=DF%2028,isProduction=false");
        assert_eq!(baggage.get("serverNode"), Some("DF 28"));
    }

    #[test]
    fn values_may_hold_equal_signs_and_empty_values() {
        let baggage = Baggage::parse("a=b=c,d=");
        assert_eq!(baggage.get("a"), Some("b=c"));
        assert_eq!(baggage.get("d"), Some(""));
        // ... and `=` goes out escaped: OpenTelemetry's parser splits on every `=`
        assert_eq!(baggage.to_string(), "a=b%3Dc,d=");
    }

    #[test]
    fn a_percent_that_starts_no_escape_is_itself() {
        for (list, value) in [
            ("k=%", "%"),
            ("k=%4", "%4"),
            ("k=%zz", "%zz"),
            ("k=100%%20sure", "100% sure"),
            ("k=50%off", "50%off"),
        ] {
            assert_eq!(Baggage::parse_strict(list).unwrap().get("k"), Some(value));
        }
    }

    const MALFORMED: [&str; 10] = [
        "novalue",
        "=v",
        "a b=1",
        "k=a b",
        "k=\"q\"",
        "k=a\\b",
        "k=café",
        "k=v;=p",
        "k=v;p=\"x\"",
        "k(1)=x",
    ];

    #[test]
    fn malformed_members_are_left_out_or_refused_strictly() {
        for bad in MALFORMED {
            assert!(
                matches!(
                    Baggage::parse_strict(&format!("a=1,{bad}")),
                    Err(CarrierError::Malformed { .. })
                ),
                "{bad:?} parsed strictly"
            );
            let lenient = Baggage::parse(&format!("a=1,{bad},b=2"));
            assert_eq!(lenient.iter().collect::<Vec<_>>(), [("a", "1"), ("b", "2")]);
            assert_eq!(lenient.dropped(), 1, "{bad:?}");
        }
    }

    #[test]
    fn a_rejected_member_is_remembered_by_its_key() {
        let baggage = Baggage::parse("tenant=a b,vendorflag,x=1");
        assert_eq!(baggage.rejection("tenant"), Some(NOT_ENCODED));
        assert_eq!(baggage.rejection("vendorflag"), Some(NOT_A_PAIR));
        assert_eq!(baggage.rejection("x"), None);
    }

    #[test]
    fn invalid_utf8_decodes_to_the_replacement_character() {
        assert_eq!(Baggage::parse("k=%FF").get("k"), Some("\u{FFFD}"));
    }

    #[test]
    fn limits_hold() {
        let full = (0..Baggage::MAX_ENTRIES)
            .map(|i| format!("k{i}=v"))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(
            Baggage::parse_strict(&full).unwrap().len(),
            Baggage::MAX_ENTRIES
        );
        assert!(matches!(
            Baggage::parse_strict(&format!("{full},one=more")),
            Err(CarrierError::TooManyEntries)
        ));
        let lenient = Baggage::parse(&format!("{full},one=more"));
        assert_eq!(
            (lenient.len(), lenient.dropped()),
            (Baggage::MAX_ENTRIES, 1)
        );
        assert_eq!(lenient.rejection("one"), Some(PAST_THE_LIMITS));

        let long = format!("k={}", "v".repeat(Baggage::MAX_LEN));
        assert!(matches!(
            Baggage::parse_strict(&long),
            Err(CarrierError::TooLarge { .. })
        ));
        assert!(Baggage::parse(&long).is_empty());
        let mut baggage = Baggage::new();
        baggage.insert("k", "é".repeat(2000)).unwrap();
        assert!(matches!(
            baggage.inject(&mut std::collections::HashMap::new()),
            Err(CarrierError::TooLarge { len: 12002 })
        ));
    }

    #[test]
    fn the_lenient_parse_keeps_what_fits_in_bytes() {
        let entry = format!("k={}", "v".repeat(98)); // 100 bytes
        let list = vec![entry; 100].join(",");
        let baggage = Baggage::parse(&list);
        // 81 entries and their 80 commas are 8180 bytes; an 82nd would make 8281
        assert_eq!((baggage.len(), baggage.dropped()), (81, 19));
        assert!(baggage.to_string().len() <= Baggage::MAX_LEN);
    }

    #[test]
    fn own_keys_are_kept_past_the_limits() {
        let foreign = (0..200).map(|i| format!("k{i}=v")).collect::<Vec<_>>();
        let carrier = std::collections::HashMap::from([(
            BAGGAGE.to_owned(),
            format!("{},tenant=7", foreign.join(",")),
        )]);
        let baggage = Baggage::extract_keeping(&carrier, &["tenant"]);
        assert_eq!(baggage.get("tenant"), Some("7"));
        assert_eq!(baggage.len(), Baggage::MAX_ENTRIES + 1);
        assert!(Baggage::extract(&carrier).get("tenant").is_none());
    }

    #[test]
    fn rendered_length_is_exact() {
        let mut baggage = Baggage::parse("a=1;p=2,b=x");
        baggage.insert("c", "é = %").unwrap();
        assert_eq!(baggage.rendered_len(), baggage.to_string().len());
    }

    #[test]
    fn every_byte_round_trips() {
        let all: String = (0..=0x7F_u8)
            .map(char::from)
            .chain(['é', '€', '😀'])
            .collect();
        let mut baggage = Baggage::new();
        baggage.insert("k", all.clone()).unwrap();
        let rendered = baggage.to_string();
        assert!(rendered.bytes().all(|b| b.is_ascii_graphic()), "{rendered}");
        assert!(!rendered["k=".len()..].contains('='), "{rendered}");
        assert_eq!(
            Baggage::parse_strict(&rendered).unwrap().get("k"),
            Some(&*all)
        );
    }

    #[test]
    fn insert_replaces_the_first_and_drops_duplicates() {
        let mut baggage = Baggage::parse("a=1;p,b=2,a=3");
        baggage.insert("a", "4").unwrap();
        assert_eq!(baggage.to_string(), "a=4,b=2");
    }
}
