//! [`Baggage`]: the W3C Baggage list (`baggage: tenant=7,request_id=r-1;prop`), parsed with the
//! spec's limits and rendered with its percent-encoding. What crosses a process boundary.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::str::FromStr;

use super::{Carrier, CarrierError};

/// The name of the W3C Baggage header, and the key of the entry list in any text-map carrier.
///
/// ```
/// # use std::collections::HashMap;
/// # use context_runtime::{BAGGAGE, Baggage};
/// let mut carrier = HashMap::new();
/// Baggage::parse("tenant=7").unwrap().inject(&mut carrier).unwrap();
/// assert_eq!(carrier[BAGGAGE], "tenant=7");
/// ```
pub const BAGGAGE: &str = "baggage";

/// A W3C Baggage entry list: the `baggage` header's value, parsed.
///
/// Keys are tokens (RFC 7230); values are any UTF-8 text, percent-encoded on the wire as the
/// [W3C Baggage](https://www.w3.org/TR/baggage/) spec says; properties after `;` are kept as
/// received, for forwarding. Parsing refuses a list longer than [`MAX_LEN`](Self::MAX_LEN) bytes
/// or with more than [`MAX_ENTRIES`](Self::MAX_ENTRIES) entries, and malformed input, with a
/// [`CarrierError`]; it never panics.
///
/// A context's `#[context(propagate)]` fields are entries named after the fields
/// (the generated `inject` writes them, the generated `extract` / `from_baggage` read
/// them). Entries of other producers are kept, in order, so a
/// service can forward what it received.
///
/// ```
/// use context_runtime::Baggage;
///
/// let mut baggage: Baggage = "tenant=7, user=J%C3%BCrgen;owner=billing, vendor=x".parse().unwrap();
/// assert_eq!(baggage.get("user"), Some("Jürgen"));
/// baggage.insert("tenant", "8 east").unwrap();
/// baggage.remove("vendor");
/// assert_eq!(baggage.to_string(), "tenant=8%20east,user=J%C3%BCrgen;owner=billing");
///
/// assert!("a=1,=2".parse::<Baggage>().is_err()); // an entry without a key
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Baggage {
    entries: Vec<Entry>,
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

impl Baggage {
    /// The most entries accepted: the spec's grammar allows 180 list-members (and requires at
    /// least 64 to be propagated).
    pub const MAX_ENTRIES: usize = 180;

    /// The longest entry list accepted, in bytes: the spec requires at least 8192 to be
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
        }
    }

    /// Parses a `baggage` header value (the same as `str::parse`).
    ///
    /// Empty list members and optional whitespace are accepted, as the spec requires. An empty or
    /// blank string is an empty list.
    ///
    /// # Errors
    ///
    /// [`CarrierError::TooLarge`], [`CarrierError::TooManyEntries`] or
    /// [`CarrierError::Malformed`].
    ///
    /// ```
    /// # use context_runtime::{Baggage, CarrierError};
    /// let baggage = Baggage::parse(" a = 1 ;p, b=2").unwrap();
    /// assert_eq!(baggage.iter().collect::<Vec<_>>(), [("a", "1"), ("b", "2")]);
    ///
    /// let huge = "k=v,".repeat(3000);
    /// assert!(matches!(Baggage::parse(&huge), Err(CarrierError::TooLarge { .. })));
    /// ```
    pub fn parse(list: &str) -> Result<Self, CarrierError> {
        if list.len() > Self::MAX_LEN {
            return Err(CarrierError::TooLarge { len: list.len() });
        }
        let mut entries = Vec::new();
        for member in list.split(',') {
            let member = trim_ows(member);
            if member.is_empty() {
                continue;
            }
            if entries.len() == Self::MAX_ENTRIES {
                return Err(CarrierError::TooManyEntries);
            }
            entries.push(Entry::parse(member)?);
        }
        Ok(Self { entries })
    }

    /// The first entry's value under `key`, decoded.
    ///
    /// ```
    /// # use context_runtime::Baggage;
    /// let baggage = Baggage::parse("a=1,a=2").unwrap();
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
            return Err(not_a_token());
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
    /// let mut baggage = Baggage::parse("a=1,b=2").unwrap();
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
    /// let baggage = Baggage::parse("a=1,b=%3D").unwrap();
    /// assert_eq!(baggage.iter().collect::<Vec<_>>(), [("a", "1"), ("b", "=")]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|entry| (&*entry.key, entry.value.as_str()))
    }

    /// The number of entries.
    ///
    /// ```
    /// # use context_runtime::Baggage;
    /// assert_eq!(Baggage::parse("a=1,,b=2").unwrap().len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    ///
    /// ```
    /// # use context_runtime::Baggage;
    /// assert!(Baggage::parse(" , ").unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries of the carrier's `baggage` key (every `baggage` header of an HTTP request,
    /// combined); empty when it has none.
    ///
    /// # Errors
    ///
    /// As [`parse`](Self::parse).
    ///
    /// ```
    /// # use std::collections::HashMap;
    /// # use context_runtime::Baggage;
    /// let carrier = HashMap::from([("baggage".to_owned(), "tenant=7".to_owned())]);
    /// assert_eq!(Baggage::extract(&carrier).unwrap().get("tenant"), Some("7"));
    /// assert!(Baggage::extract(&HashMap::new()).unwrap().is_empty());
    /// ```
    pub fn extract(carrier: &(impl Carrier + ?Sized)) -> Result<Self, CarrierError> {
        // Several headers are one list (RFC 7230), limits included.
        let mut list = String::new();
        carrier.get_all(BAGGAGE, &mut |value| {
            if !list.is_empty() {
                list.push(',');
            }
            list.push_str(value);
        });
        Self::parse(&list)
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
    /// Baggage::parse("tenant=7").unwrap().inject(&mut carrier).unwrap();
    /// assert_eq!(carrier["baggage"], "tenant=7");
    /// ```
    pub fn inject(&self, carrier: &mut (impl Carrier + ?Sized)) -> Result<(), CarrierError> {
        if self.is_empty() {
            return Ok(());
        }
        // Sized for the common case, where no value needs escaping: one allocation.
        let capacity = self.entries.iter().map(Entry::plain_len).sum();
        let mut list = String::with_capacity(capacity);
        write!(list, "{self}").unwrap_or_else(|_| unreachable!("writing to a String"));
        if list.len() > Self::MAX_LEN {
            return Err(CarrierError::TooLarge { len: list.len() });
        }
        carrier.set(BAGGAGE, list);
        Ok(())
    }
}

impl Entry {
    /// The rendered length when the value needs no escape, with its separator.
    fn plain_len(&self) -> usize {
        let properties = if self.properties.is_empty() {
            0
        } else {
            1 + self.properties.len()
        };
        self.key.len() + 1 + self.value.len() + properties + 1
    }

    /// `key OWS "=" OWS value *( OWS ";" OWS property )`, already trimmed.
    fn parse(member: &str) -> Result<Self, CarrierError> {
        let (pair, properties) = member.split_once(';').unwrap_or((member, ""));
        let Some((key, value)) = pair.split_once('=') else {
            return Err(malformed("a baggage entry must be `key=value`"));
        };
        let (key, value) = (trim_ows(key), trim_ows(value));
        if !is_token(key) {
            return Err(not_a_token());
        }
        Ok(Self {
            key: Cow::Owned(key.to_owned()),
            value: decode(value)?,
            properties: properties_of(properties)?,
        })
    }
}

fn malformed(reason: &'static str) -> CarrierError {
    CarrierError::Malformed { reason }
}

fn not_a_token() -> CarrierError {
    malformed("a baggage key must be a non-empty token (letters, digits and !#$%&'*+-.^_`|~)")
}

/// The properties after an entry's first `;`, each `key` or `key=value`, without the optional
/// whitespace around their parts: kept as received otherwise, since they are opaque.
fn properties_of(properties: &str) -> Result<String, CarrierError> {
    let mut out = String::new();
    for property in properties.split(';') {
        let (key, value) = match property.split_once('=') {
            Some((key, value)) => (trim_ows(key), Some(trim_ows(value))),
            // An empty property (`k=v;;p`) is skipped, like an empty list member.
            None if trim_ows(property).is_empty() => continue,
            None => (trim_ows(property), None),
        };
        if !is_token(key) || !value.unwrap_or("").bytes().all(is_baggage_octet) {
            return Err(malformed(
                "a baggage property must be `key` or `key=value` (a token, and baggage octets)",
            ));
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

/// Percent-decodes a value; the decoded bytes are read as UTF-8 with invalid sequences replaced
/// by U+FFFD, as the spec requires.
fn decode(value: &str) -> Result<String, CarrierError> {
    let bytes = value.as_bytes();
    if !bytes.iter().copied().all(is_baggage_octet) {
        return Err(malformed(
            "a baggage value must be percent-encoded: no spaces, quotes, commas, semicolons, \
             backslashes or non-ASCII characters",
        ));
    }
    if !value.contains('%') {
        return Ok(value.to_owned());
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' {
            let escape = tail.get(..2).and_then(|hex| {
                let high = char::from(hex[0]).to_digit(16)?;
                let low = char::from(hex[1]).to_digit(16)?;
                u8::try_from(high * 16 + low).ok()
            });
            let Some(decoded) = escape else {
                return Err(malformed(
                    "a `%` in a baggage value must start an escape of two hex digits",
                ));
            };
            out.push(decoded);
            rest = &tail[2..];
        } else {
            out.push(byte);
            rest = tail;
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// `%x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E`: visible ASCII but `"`, `,`, `;` and `\`.
fn is_baggage_octet(byte: u8) -> bool {
    matches!(byte, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
}

/// RFC 7230 `token`: one or more of `tchar`.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte))
}

/// RFC 7230 `OWS`: spaces and tabs.
fn trim_ows(text: &str) -> &str {
    text.trim_matches([' ', '\t'])
}

/// Writes `text` percent-encoded: every byte that is not a baggage octet, and `%` itself.
struct Encoder<'a, W>(&'a mut W);

impl<W: fmt::Write> fmt::Write for Encoder<'_, W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let mut plain = 0;
        for (index, byte) in text.bytes().enumerate() {
            if is_baggage_octet(byte) && byte != b'%' {
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

/// The header form: `key=value;properties` joined by `,`, values percent-encoded.
impl fmt::Display for Baggage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, entry) in self.entries.iter().enumerate() {
            if index > 0 {
                f.write_char(',')?;
            }
            f.write_str(&entry.key)?;
            f.write_char('=')?;
            Encoder(f).write_str(&entry.value)?;
            if !entry.properties.is_empty() {
                f.write_char(';')?;
                f.write_str(&entry.properties)?;
            }
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

impl FromStr for Baggage {
    type Err = CarrierError;

    fn from_str(list: &str) -> Result<Self, CarrierError> {
        Self::parse(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_examples_parse() {
        let baggage = Baggage::parse(
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
        let spaced = Baggage::parse("k=v; p1 ;\tp2 = x ").unwrap();
        assert_eq!(spaced.to_string(), "k=v;p1;p2=x");
        let baggage = Baggage::parse("userId=alice,serverNode=DF%2028,isProduction=false").unwrap();
        assert_eq!(baggage.get("serverNode"), Some("DF 28"));
    }

    #[test]
    fn values_may_hold_equal_signs_and_empty_values() {
        let baggage = Baggage::parse("a=b=c,d=").unwrap();
        assert_eq!(baggage.get("a"), Some("b=c"));
        assert_eq!(baggage.get("d"), Some(""));
    }

    #[test]
    fn malformed_input_is_an_error() {
        for bad in [
            "novalue",
            "=v",
            "a b=1",
            "k=a b",
            "k=\"q\"",
            "k=a\\b",
            "k=%",
            "k=%4",
            "k=%zz",
            "k=é",
            "k=v;=p",
            "k=v;p=\"x\"",
        ] {
            assert!(
                matches!(Baggage::parse(bad), Err(CarrierError::Malformed { .. })),
                "{bad:?} parsed"
            );
        }
    }

    #[test]
    fn invalid_utf8_decodes_to_the_replacement_character() {
        assert_eq!(Baggage::parse("k=%FF").unwrap().get("k"), Some("\u{FFFD}"));
    }

    #[test]
    fn limits_hold() {
        let full = (0..Baggage::MAX_ENTRIES)
            .map(|i| format!("k{i}=v"))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(Baggage::parse(&full).unwrap().len(), Baggage::MAX_ENTRIES);
        assert!(matches!(
            Baggage::parse(&format!("{full},one=more")),
            Err(CarrierError::TooManyEntries)
        ));
        let long = format!("k={}", "v".repeat(Baggage::MAX_LEN));
        assert!(matches!(
            Baggage::parse(&long),
            Err(CarrierError::TooLarge { .. })
        ));
        let mut baggage = Baggage::new();
        baggage.insert("k", "é".repeat(2000)).unwrap();
        assert!(matches!(
            baggage.inject(&mut std::collections::HashMap::new()),
            Err(CarrierError::TooLarge { len: 12002 })
        ));
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
        assert_eq!(Baggage::parse(&rendered).unwrap().get("k"), Some(&*all));
    }

    #[test]
    fn insert_replaces_the_first_and_drops_duplicates() {
        let mut baggage = Baggage::parse("a=1;p,b=2,a=3").unwrap();
        baggage.insert("a", "4").unwrap();
        assert_eq!(baggage.to_string(), "a=4,b=2");
    }
}
