//! [`SigningKeys`] (feature `signing`): the contexts' propagated fields signed on the way out and
//! verified on the way in, between services that share a key. The threat, the entry and what it
//! covers are documented on [`SigningKeys`], which users see.

use std::fmt;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::baggage::{decoded, is_token};
use super::propagate::{Outgoing, SIGNATURE, send_current_then};
use super::{Baggage, Carrier, CarrierError};

type HmacSha256 = Hmac<Sha256>;

/// The first bytes of every MAC input: the format's version, so a future one cannot be confused
/// with it.
const VERSION: &[u8] = b"context-runtime baggage signature v1\0";

/// The length of a MAC, in bytes (SHA-256), and in hex digits on the wire.
const TAG_LEN: usize = 32;
const TAG_HEX_LEN: usize = 2 * TAG_LEN;

/// The shared keys that sign the contexts' propagated fields on the way out and verify them on
/// the way in: one to sign with, and every key accepted when verifying (the signing one, and the
/// others given to [`accept`](Self::accept) during a rotation).
///
/// Cheap to clone (one `Arc`), as layers clone it. Its `Debug` shows the key ids, never a
/// secret. Feature `signing`.
///
/// ```
/// use std::collections::HashMap;
/// use context_runtime::{CarrierError, RequestContext, SigningKeys};
///
/// #[derive(RequestContext)]
/// struct RequestCtx {
///     #[context(propagate)] tenant: u64,
/// }
///
/// // in a real service, the secret comes from the secret store
/// let keys = SigningKeys::new("2025-06", b"a secret of 16 bytes or more")?;
///
/// // the sender
/// let mut carrier = HashMap::new();
/// RequestCtx::builder().tenant(7).build().sync_scope(|| keys.inject_current(&mut carrier))?;
/// assert!(carrier["baggage"].starts_with("tenant=7,context-sig=2025-06:"));
///
/// // the receiver: only what the signature covers
/// let signed = keys.verify(&carrier)?;
/// assert_eq!(*RequestCtx::from_baggage(&signed)?.build().tenant(), 7);
///
/// // a client that forges the tenant
/// let forged = HashMap::from([("baggage".to_owned(), "tenant=999".to_owned())]);
/// assert_eq!(keys.verify(&forged).err(), Some(CarrierError::Unsigned));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # The threat
///
/// A propagated field is a fact the next service believes: the tenant its repository filters by,
/// the user its audit log records. Behind a public edge that builds the context from its own
/// sources, every hop reads those facts from `baggage`, which anything that can reach the hop can
/// send: a client that reaches an internal service directly (a misrouted ingress, a pod network,
/// a compromised neighbour, an SSRF) sends `baggage: tenant=999` and is believed. Signing closes
/// that: the sender adds one entry, an HMAC-SHA256 under a key the services share, over the
/// fields it wrote; a hop that requires signatures reads **only the entries the signature
/// covers** ([`SigningKeys::verify`]), so a forged, altered or unsigned field is either refused or
/// not seen at all.
///
/// # The entry
///
/// ```text
/// baggage: request_id=r-1,tenant=7,context-sig=2025-06:9f86d0…(64 hex digits);keys=request_id:tenant,vendor=x
/// ```
///
/// `context-sig` ([`SigningKeys::ENTRY`]) comes right after the contexts' own entries (counted as
/// theirs for the W3C limits, so never trimmed): its value is the id of the key that signed and
/// the MAC in lowercase hex, its one property the covered keys in order, joined by `:` (which no
/// key can hold). No context field can be named `context-sig` (a Rust identifier has no `-`).
/// The MAC is over a canonical, unambiguous byte string: a version tag, the key id, the number of
/// covered entries, and each covered entry's key and **decoded** value, each preceded by its
/// length (8 bytes, big-endian). Decoded values, so a peer that re-encodes the list (another
/// W3C implementation) does not break it; lengths, so no two lists of entries read the same.
///
/// # What is covered, and what is not
///
/// - Covered: the key and decoded value of every own entry the sender wrote (every
///   `#[context(propagate)]` field of every context set there, as
///   [`inject_current`](crate::inject_current) writes them), the list of covered keys, and the
///   key id. A changed or removed value, a narrowed or widened key list, or the signature moved
///   onto other entries is refused; an entry added beside them, named like a field or not, is not
///   covered, so [`verify`](SigningKeys::verify) never returns it.
/// - Not covered: entries of other producers (forwarded as they came, and never read into a
///   context through [`verify`](SigningKeys::verify)); an entry's properties; other headers
///   (`x-request-id`).
/// - Not prevented: **replay of a whole captured request**. The signature holds no time and no
///   nonce: a request copied as a whole passes again, to any service that shares the key. Keep
///   the hops' traffic on TLS, or bind the request to time in a field of your own.
/// - A hop signs its own fields, never forwards a signature it received (one over the sender's
///   entries, next to the fields this hop rewrote, would only confuse the next one): every hop
///   that sends on must hold the signing key.
///
/// # Keys and rotation
///
/// A service signs with one key ([`SigningKeys::new`]) and accepts that one and any others it is
/// given ([`SigningKeys::accept`]). To rotate: give every receiver the new key as an accepted one;
/// then make it every sender's signing key (receivers still accept the old one meanwhile); then
/// drop the old one everywhere. A signature under a key a receiver no longer accepts is
/// [`CarrierError::UnknownSigningKey`].
#[derive(Clone)]
pub struct SigningKeys(Arc<Keys>);

#[derive(Clone)]
struct Keys {
    /// The key that signs; also the first accepted one.
    signing: Key,
    /// The other keys accepted when verifying.
    accepted: Vec<Key>,
}

#[derive(Clone)]
struct Key {
    id: Box<str>,
    /// The HMAC already keyed with the secret: cloned for each MAC, so the secret is hashed once.
    /// The secret's bytes are not kept; this state signs as the secret does, and never leaves
    /// the struct (`Debug` shows the id only).
    mac: HmacSha256,
}

impl Key {
    fn new(id: &str, secret: &[u8]) -> Result<Self, SigningKeyError> {
        if !is_key_id(id) {
            return Err(SigningKeyError::KeyId);
        }
        if secret.len() < SigningKeys::MIN_SECRET_LEN {
            return Err(SigningKeyError::ShortSecret { len: secret.len() });
        }
        // HMAC takes a key of any length: this cannot fail.
        let mac = HmacSha256::new_from_slice(secret)
            .map_err(|_| SigningKeyError::ShortSecret { len: secret.len() })?;
        Ok(Self { id: id.into(), mac })
    }
}

impl SigningKeys {
    /// The key of the baggage entry that holds the signature.
    pub const ENTRY: &'static str = SIGNATURE;

    /// The fewest bytes a secret may have: 128 bits. Use 32 random bytes (the size of the MAC).
    pub const MIN_SECRET_LEN: usize = 16;

    /// The longest key id, in characters.
    pub const MAX_KEY_ID_LEN: usize = 32;

    /// The most entries one signature may cover: every entry of a list but the signature itself.
    /// A received signature listing more is refused before anything is computed.
    pub const MAX_COVERED: usize = Baggage::MAX_ENTRIES - 1;

    /// Keys that sign with `secret`, named `key_id`, and accept it when verifying.
    ///
    /// The key id travels in every signature, so a receiver knows which of its keys to check
    /// with: 1 to 32 characters of ASCII letters, digits, `.`, `_` and `-` (`2025-06`, `orders.v2`).
    /// The secret is at least [`MIN_SECRET_LEN`](Self::MIN_SECRET_LEN) bytes.
    ///
    /// # Errors
    ///
    /// [`SigningKeyError::KeyId`] or [`SigningKeyError::ShortSecret`].
    ///
    /// ```
    /// use context_runtime::{SigningKeyError, SigningKeys};
    ///
    /// let keys = SigningKeys::new("2025-06", [7_u8; 32]).unwrap();
    /// assert_eq!(keys.key_id(), "2025-06");
    /// assert_eq!(SigningKeys::new("june 2025", [7_u8; 32]).err(), Some(SigningKeyError::KeyId));
    /// assert_eq!(
    ///     SigningKeys::new("2025-06", "hunter2").err(),
    ///     Some(SigningKeyError::ShortSecret { len: 7 })
    /// );
    /// ```
    pub fn new(key_id: &str, secret: impl AsRef<[u8]>) -> Result<Self, SigningKeyError> {
        let signing = Key::new(key_id, secret.as_ref())?;
        Ok(Self(Arc::new(Keys {
            signing,
            accepted: Vec::new(),
        })))
    }

    /// These keys, also accepting signatures made with `secret`, named `key_id`, when verifying
    /// (they still sign with their own): during a rotation, a receiver accepts the old key and
    /// the new one until every sender has moved to the new one.
    ///
    /// # Errors
    ///
    /// [`SigningKeyError::KeyId`] or [`SigningKeyError::ShortSecret`] as for [`new`](Self::new),
    /// and [`SigningKeyError::DuplicateKeyId`] when `key_id` is already one of these keys'.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use context_runtime::{CarrierError, RequestContext, SigningKeys};
    ///
    /// #[derive(RequestContext)]
    /// struct Ctx { #[context(propagate)] tenant: u64 }
    ///
    /// let old = SigningKeys::new("2025-05", [5_u8; 32])?;
    /// let new = SigningKeys::new("2025-06", [6_u8; 32])?;
    /// // during the overlap, a receiver accepts both
    /// let receiver = SigningKeys::new("2025-06", [6_u8; 32])?.accept("2025-05", [5_u8; 32])?;
    /// assert_eq!(receiver.accepted_key_ids().collect::<Vec<_>>(), ["2025-06", "2025-05"]);
    ///
    /// let ctx = || Ctx::builder().tenant(7).build();
    /// for sender in [&old, &new] {
    ///     let mut carrier = HashMap::new();
    ///     ctx().sync_scope(|| sender.inject_current(&mut carrier))?;
    ///     assert_eq!(receiver.verify(&carrier)?.get("tenant"), Some("7"));
    /// }
    ///
    /// // once the old key is dropped, what it signed is refused
    /// let mut carrier = HashMap::new();
    /// ctx().sync_scope(|| old.inject_current(&mut carrier))?;
    /// assert_eq!(new.verify(&carrier).err(), Some(CarrierError::UnknownSigningKey));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn accept(self, key_id: &str, secret: impl AsRef<[u8]>) -> Result<Self, SigningKeyError> {
        let key = Key::new(key_id, secret.as_ref())?;
        if self.accepted_key_ids().any(|id| id == key_id) {
            return Err(SigningKeyError::DuplicateKeyId);
        }
        let mut keys = Arc::unwrap_or_clone(self.0);
        keys.accepted.push(key);
        Ok(Self(Arc::new(keys)))
    }

    /// The id of the key these keys sign with.
    ///
    /// ```
    /// # use context_runtime::SigningKeys;
    /// let keys = SigningKeys::new("orders.v2", [1_u8; 32]).unwrap();
    /// assert_eq!(keys.key_id(), "orders.v2");
    /// ```
    pub fn key_id(&self) -> &str {
        &self.0.signing.id
    }

    /// The ids of the keys accepted when verifying: the signing key's first, then the others in
    /// the order they were given to [`accept`](Self::accept).
    ///
    /// ```
    /// # use context_runtime::SigningKeys;
    /// let keys = SigningKeys::new("k2", [2_u8; 32]).unwrap().accept("k1", [1_u8; 32]).unwrap();
    /// assert_eq!(keys.accepted_key_ids().collect::<Vec<_>>(), ["k2", "k1"]);
    /// ```
    pub fn accepted_key_ids(&self) -> impl Iterator<Item = &str> {
        self.accepted().map(|key| &*key.id)
    }

    fn accepted(&self) -> impl Iterator<Item = &Key> {
        std::iter::once(&self.0.signing).chain(&self.0.accepted)
    }

    /// [`inject_current`](crate::inject_current), signed: the propagated fields of every context
    /// set here go into the carrier's `baggage`, followed by their signature, then the entries
    /// already in the carrier and the received baggage forwarded, as `inject_current` writes them
    /// (a received signature is never forwarded). What `PropagateLayer::sign_with` does for every
    /// request (feature `http`); this is for other carriers (a job's headers, a message's).
    /// Outside any context, the signature covers no entry.
    ///
    /// # Errors
    ///
    /// The contexts' fields and the signature alone exceed the W3C limits.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use context_runtime::{Baggage, RequestContext, SigningKeys};
    ///
    /// #[derive(RequestContext)]
    /// struct RequestCtx { #[context(propagate)] request_id: String, #[context(propagate)] tenant: u64 }
    ///
    /// let keys = SigningKeys::new("k1", [1_u8; 32]).unwrap();
    /// let ctx = RequestCtx::builder().request_id("r-1".into()).tenant(7).build();
    /// let mut job = HashMap::new();
    /// Baggage::parse("vendor=acme").sync_scope(|| ctx.sync_scope(|| keys.inject_current(&mut job))).unwrap();
    ///
    /// let sent = Baggage::parse(&job["baggage"]);
    /// let entries: Vec<_> = sent.iter().map(|(key, _)| key).collect();
    /// assert_eq!(entries, ["request_id", "tenant", "context-sig", "vendor"]);
    /// assert!(job["baggage"].contains(";keys=request_id:tenant,"));
    /// ```
    pub fn inject_current(
        &self,
        carrier: &mut (impl Carrier + ?Sized),
    ) -> Result<(), CarrierError> {
        self.send_current(carrier, true)
    }

    /// [`inject_current`](Self::inject_current), forwarding the received baggage or not.
    pub(crate) fn send_current(
        &self,
        carrier: &mut (impl Carrier + ?Sized),
        forward: bool,
    ) -> Result<(), CarrierError> {
        send_current_then(carrier, forward, |out| self.sign(out))
    }

    /// Appends the signature of the own entries in `out`.
    fn sign(&self, out: &mut Outgoing) {
        let key = &self.0.signing;
        let (own, count) = out.own_entries();
        let mut mac = key.mac.clone();
        start(&mut mac, &key.id, count);
        let mut covered = String::with_capacity(own.len() / 2 + 5);
        // Written by `Outgoing`: `key=value` joined by `,`, the values percent-encoded (so neither
        // `,` nor `=` is in one), with no properties.
        for entry in own.split(',').filter(|entry| !entry.is_empty()) {
            let (name, value) = entry.split_once('=').unwrap_or((entry, ""));
            entry_into(&mut mac, name, &decoded(value));
            covered.push_str(if covered.is_empty() { "keys=" } else { ":" });
            covered.push_str(name);
        }
        let tag = mac.finalize().into_bytes();
        let mut value = String::with_capacity(key.id.len() + 1 + TAG_HEX_LEN);
        value.push_str(&key.id);
        value.push(':');
        for byte in tag {
            value.push(char::from(HEX[usize::from(byte >> 4)]));
            value.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
        out.own_entry(SIGNATURE, &value, &covered);
    }

    /// The entries of the carrier's `baggage` that its signature covers, verified with one of
    /// these keys: what a hop that requires signatures builds its context from,
    /// `RequestCtx::from_baggage(&keys.verify(&carrier)?)`. Any other entry, named like a field or
    /// not, is left out, so the context reports a field that was not signed as missing. The
    /// baggage is read leniently, as [`Baggage::extract`] reads it. Never panics.
    ///
    /// Behind a `ContextLayer` declared `.internal()` (feature `http`), the whole received
    /// baggage is still forwarded by
    /// `PropagateLayer` as it came (but the signature, and the entries named like the fields the
    /// hop sends itself).
    ///
    /// # Errors
    ///
    /// One variant for each way a signature fails: [`CarrierError::Unsigned`],
    /// [`CarrierError::MalformedSignature`], [`CarrierError::UnknownSigningKey`],
    /// [`CarrierError::SignedEntryMissing`], [`CarrierError::SignedEntryRepeated`] and
    /// [`CarrierError::SignatureMismatch`].
    ///
    /// ```
    /// use context_runtime::{CarrierError, ContextLayer, RequestContext, RequestId, SigningKeys};
    ///
    /// #[derive(RequestContext)]
    /// struct RequestCtx {
    ///     #[context(propagate)] request_id: RequestId,
    ///     #[context(propagate)] tenant: u64,
    /// }
    ///
    /// let keys = SigningKeys::new("2025-06", [6_u8; 32]).unwrap();
    /// // an internal hop: only signed fields are believed; anything else is a 400 saying why
    /// let layer = ContextLayer::new(move |head: &http::request::Parts, _: &RequestId| {
    ///     let signed = keys.verify(&head.headers)?;
    ///     RequestCtx::from_baggage(&signed).map(|builder| builder.build())
    /// })
    /// .internal(); // a public edge would drop the `baggage` before this runs
    /// ```
    pub fn verify(&self, carrier: &(impl Carrier + ?Sized)) -> Result<Baggage, CarrierError> {
        // As `ContextLayer` reads what it forwards: the signature is not kept past the limits
        // (an honest sender puts it among its own entries, first).
        self.verify_baggage(&Baggage::extract(carrier))
    }

    /// [`verify`](Self::verify) for baggage already read (from an OpenTelemetry context, or
    /// [`Baggage::parse`]).
    ///
    /// # Errors
    ///
    /// As [`verify`](Self::verify).
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use context_runtime::{Baggage, CarrierError, RequestContext, SigningKeys};
    ///
    /// #[derive(RequestContext)]
    /// struct Ctx { #[context(propagate)] tenant: u64, #[context(propagate)] user: Option<String> }
    ///
    /// let keys = SigningKeys::new("k1", [1_u8; 32]).unwrap();
    /// let mut carrier = HashMap::new();
    /// Ctx::builder().tenant(7).build().sync_scope(|| keys.inject_current(&mut carrier)).unwrap();
    ///
    /// // a client adds a `user` of its own, and changes the tenant
    /// let sent = carrier["baggage"].clone();
    /// let added = Baggage::parse(&format!("{sent},user=admin"));
    /// let signed = keys.verify_baggage(&added).unwrap();
    /// assert_eq!(Ctx::from_baggage(&signed).unwrap().build().user(), None); // not signed: not seen
    ///
    /// let changed = Baggage::parse(&sent.replace("tenant=7", "tenant=8"));
    /// assert_eq!(keys.verify_baggage(&changed).err(), Some(CarrierError::SignatureMismatch));
    /// ```
    pub fn verify_baggage(&self, baggage: &Baggage) -> Result<Baggage, CarrierError> {
        let signature = Signature::read(baggage)?;
        let key = self
            .accepted()
            .find(|key| *key.id == *signature.key_id)
            .ok_or(CarrierError::UnknownSigningKey)?;
        let mut covered = Vec::new();
        for name in signature.keys() {
            let mut values = baggage.values(name);
            let value = values.next().ok_or(CarrierError::SignedEntryMissing)?;
            if values.next().is_some() || baggage.rejection(name).is_some() {
                return Err(CarrierError::SignedEntryRepeated);
            }
            covered.push((name, value));
        }
        let mut mac = key.mac.clone();
        start(&mut mac, &key.id, covered.len());
        for (name, value) in &covered {
            entry_into(&mut mac, name, value);
        }
        // Constant time.
        mac.verify_slice(&signature.tag)
            .map_err(|_| CarrierError::SignatureMismatch)?;
        let mut signed = Baggage::new();
        for (name, value) in covered {
            signed.insert(name, value)?;
        }
        Ok(signed)
    }
}

/// The key ids, never a secret.
impl fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeys")
            .field("signs_with", &self.key_id())
            .field("accepts", &self.accepted_key_ids().collect::<Vec<_>>())
            .finish()
    }
}

/// The MAC input's start: the version, the key id, the number of covered entries.
fn start(mac: &mut HmacSha256, key_id: &str, count: usize) {
    mac.update(VERSION);
    part(mac, key_id.as_bytes());
    length(mac, count);
}

/// One covered entry of the MAC input: its key and its decoded value, each length-prefixed.
fn entry_into(mac: &mut HmacSha256, key: &str, value: &str) {
    part(mac, key.as_bytes());
    part(mac, value.as_bytes());
}

fn part(mac: &mut HmacSha256, bytes: &[u8]) {
    length(mac, bytes.len());
    mac.update(bytes);
}

fn length(mac: &mut HmacSha256, len: usize) {
    // Every length here is bounded by the W3C limits (8,192 bytes).
    mac.update(&u64::try_from(len).unwrap_or(u64::MAX).to_be_bytes());
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `[A-Za-z0-9._-]{1,32}`.
fn is_key_id(id: &str) -> bool {
    (1..=SigningKeys::MAX_KEY_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-'))
}

/// Reasons of [`CarrierError::MalformedSignature`].
const TWICE: &str = "the baggage holds more than one `context-sig` entry";
const NOT_ID_AND_TAG: &str = "`context-sig` must be `<key id>:<64 lowercase hex digits>`, the key id 1 to 32 of \
     `A-Z a-z 0-9 . _ -`";
const BAD_PROPERTIES: &str = "the only property of `context-sig` is `keys`, the covered keys \
                              joined by `:`, each a token, none twice";
const TOO_MANY: &str = "`context-sig` covers more keys than a baggage list can hold";

/// A received signature entry, read.
struct Signature<'a> {
    key_id: &'a str,
    tag: [u8; TAG_LEN],
    /// The covered keys joined by `:` (checked), or empty.
    keys: &'a str,
}

impl<'a> Signature<'a> {
    /// The only `context-sig` entry of `baggage`, checked.
    fn read(baggage: &'a Baggage) -> Result<Self, CarrierError> {
        let malformed = |reason| CarrierError::MalformedSignature { reason };
        let mut entries = baggage
            .iter_with_properties()
            .filter(|(key, _, _)| *key == SIGNATURE);
        let rejected = baggage.rejection(SIGNATURE);
        let Some((_, value, properties)) = entries.next() else {
            // Sent, but not in the format or past the limits: the parse's reason.
            return Err(rejected.map_or(CarrierError::Unsigned, malformed));
        };
        if entries.next().is_some() || rejected.is_some() {
            return Err(malformed(TWICE));
        }
        let (key_id, hex) = value.split_once(':').ok_or(malformed(NOT_ID_AND_TAG))?;
        if !is_key_id(key_id) {
            return Err(malformed(NOT_ID_AND_TAG));
        }
        let tag = tag(hex).ok_or(malformed(NOT_ID_AND_TAG))?;
        let keys = if properties.is_empty() {
            ""
        } else {
            properties
                .strip_prefix("keys=")
                .filter(|keys| !keys.is_empty() && !keys.contains(';'))
                .ok_or(malformed(BAD_PROPERTIES))?
        };
        let signature = Self { key_id, tag, keys };
        let mut seen: Vec<&str> = Vec::new();
        for key in signature.keys() {
            if seen.len() == SigningKeys::MAX_COVERED {
                return Err(malformed(TOO_MANY));
            }
            if !is_token(key) || seen.contains(&key) {
                return Err(malformed(BAD_PROPERTIES));
            }
            seen.push(key);
        }
        Ok(signature)
    }

    /// The covered keys, in order.
    fn keys(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        let keys = self.keys;
        keys.split(':').filter(move |_| !keys.is_empty())
    }
}

/// 64 lowercase hex digits as the 32 bytes of a MAC.
fn tag(hex: &str) -> Option<[u8; TAG_LEN]> {
    let digits = hex.as_bytes();
    if digits.len() != TAG_HEX_LEN {
        return None;
    }
    let digit = |byte: u8| match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        _ => None,
    };
    let mut tag = [0; TAG_LEN];
    for (byte, pair) in tag.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(tag)
}

/// Why [`SigningKeys`] could not be built from a key id and a secret.
///
/// ```
/// use context_runtime::{SigningKeyError, SigningKeys};
///
/// let error = SigningKeys::new("k1", b"short").err().unwrap();
/// assert_eq!(error, SigningKeyError::ShortSecret { len: 5 });
/// assert_eq!(
///     error.to_string(),
///     "a signing secret must be at least 16 bytes, and this one is 5: use 32 random bytes from \
///      your secret store"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SigningKeyError {
    /// The key id is not 1 to 32 characters of ASCII letters, digits, `.`, `_` and `-`.
    KeyId,
    /// The secret is shorter than [`SigningKeys::MIN_SECRET_LEN`].
    ShortSecret {
        /// Its length, in bytes.
        len: usize,
    },
    /// The key id is already one of the keys': a receiver could not tell which secret to check
    /// with.
    DuplicateKeyId,
}

impl fmt::Display for SigningKeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::KeyId => write!(
                f,
                "a signing key id must be 1 to {} characters of ASCII letters, digits, `.`, `_` \
                 and `-` (it travels in every signature): name keys like `2025-06`",
                SigningKeys::MAX_KEY_ID_LEN
            ),
            Self::ShortSecret { len } => write!(
                f,
                "a signing secret must be at least {} bytes, and this one is {len}: use 32 random \
                 bytes from your secret store",
                SigningKeys::MIN_SECRET_LEN
            ),
            Self::DuplicateKeyId => f.write_str(
                "the key id is already one of these keys': give each key its own id, so a \
                 receiver knows which one to check with",
            ),
        }
    }
}

impl std::error::Error for SigningKeyError {}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::fmt::Write as _;

    use super::*;
    use crate::carrier::propagate::Existing;

    fn keys(id: &str, byte: u8) -> SigningKeys {
        SigningKeys::new(id, [byte; 32]).unwrap()
    }

    /// What `keys` signs for the own entries `own` (as `Outgoing` writes them).
    fn signed(keys: &SigningKeys, own: &[(&'static str, &str)]) -> String {
        let mut out = Outgoing::new();
        for (name, value) in own {
            out.own_entry(name, value, "");
        }
        // `own_entry` counts the fields as own, as the contexts' are
        keys.sign(&mut out);
        let mut carrier = HashMap::new();
        out.send(&mut carrier, &Existing::read(&HashMap::new()))
            .unwrap();
        carrier.remove("baggage").unwrap_or_default()
    }

    fn verify(keys: &SigningKeys, list: &str) -> Result<Vec<(String, String)>, CarrierError> {
        let signed = keys.verify_baggage(&Baggage::parse(list))?;
        Ok(signed
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect())
    }

    fn pairs(entries: &[(&str, &str)]) -> Vec<(String, String)> {
        entries
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_entry_is_as_documented() {
        let list = signed(&keys("k1", 1), &[("request_id", "r-1"), ("tenant", "7")]);
        let (own, signature) = list.split_at("request_id=r-1,tenant=7,".len());
        assert_eq!(own, "request_id=r-1,tenant=7,");
        let (value, keys) = signature.split_once(';').unwrap();
        assert_eq!(keys, "keys=request_id:tenant");
        let hex = value.strip_prefix("context-sig=k1:").unwrap();
        assert_eq!(hex.len(), 64);
        assert!(
            hex.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
    }

    #[test]
    fn the_mac_is_hmac_sha256_of_the_canonical_input() {
        // The input built by hand, independently of `start` / `entry_into`.
        let mut input = Vec::new();
        input.extend_from_slice(b"context-runtime baggage signature v1\0");
        for part in [&b"k1"[..], b"tenant", b"7 = x"] {
            if part == b"tenant" {
                input.extend_from_slice(&1_u64.to_be_bytes());
            }
            input.extend_from_slice(&(part.len() as u64).to_be_bytes());
            input.extend_from_slice(part);
        }
        let mut mac = HmacSha256::new_from_slice(&[1; 32]).unwrap();
        mac.update(&input);
        let expected = mac
            .finalize()
            .into_bytes()
            .iter()
            .fold(String::new(), |mut hex, b| {
                write!(hex, "{b:02x}").unwrap();
                hex
            });
        // the value goes out encoded, and is signed decoded
        let list = signed(&keys("k1", 1), &[("tenant", "7 = x")]);
        assert!(
            list.starts_with("tenant=7%20%3D%20x,context-sig=k1:"),
            "{list}"
        );
        assert!(list.contains(&expected), "{list}");
    }

    /// A known answer, computed apart from this crate (Python's `hmac` and `hashlib`, over the
    /// canonical input as the module docs describe it); also the fuzz seed `signed`.
    #[test]
    fn a_known_answer() {
        let list = signed(&keys("fuzz", 7), &[("request_id", "r-1"), ("tenant", "7")]);
        assert_eq!(
            list,
            "request_id=r-1,tenant=7,context-sig=fuzz:\
             b5eee0f7119cbf0e9fbab88354b9f7b2d70dedd6bcf950044cc805a7b82ace7b;\
             keys=request_id:tenant"
        );
    }

    #[test]
    fn sign_then_verify_returns_the_covered_entries_only() {
        let keys = keys("k1", 1);
        let list = signed(&keys, &[("request_id", "r,1;é"), ("tenant", "7")]);
        let expected = pairs(&[("request_id", "r,1;é"), ("tenant", "7")]);
        assert_eq!(verify(&keys, &list), Ok(expected.clone()));
        // foreign entries around it, and an unsigned `user`: not seen
        let around = format!("vendor=x,{list},user=admin,tenant2=8");
        assert_eq!(verify(&keys, &around), Ok(expected));
        // a signature over nothing verifies to nothing
        let empty = signed(&keys, &[]);
        assert!(!empty.contains(';'), "{empty}");
        assert_eq!(verify(&keys, &format!("{empty},tenant=9")), Ok(Vec::new()));
    }

    #[test]
    fn each_failure_has_its_variant() {
        let keys = keys("k1", 1);
        let list = signed(&keys, &[("request_id", "r-1"), ("tenant", "7")]);
        let cases = [
            ("tenant=7", CarrierError::Unsigned),
            (
                &*list.replace("tenant=7", "tenant=8"),
                CarrierError::SignatureMismatch,
            ),
            (
                &*list.replace("keys=request_id:tenant", "keys=tenant"),
                CarrierError::SignatureMismatch,
            ),
            (
                &*list.replace("k1:", "k0:"),
                CarrierError::UnknownSigningKey,
            ),
            (
                &*list.replace("tenant=7,", ""),
                CarrierError::SignedEntryMissing,
            ),
            (
                &*format!("{list},tenant=8"),
                CarrierError::SignedEntryRepeated,
            ),
            (
                &*format!("{list},tenant=a b"),
                CarrierError::SignedEntryRepeated,
            ),
        ];
        for (list, error) in cases {
            assert_eq!(verify(&keys, list), Err(error), "{list}");
        }
    }

    #[test]
    fn malformed_signatures_say_why() {
        let keys = keys("k1", 1);
        let list = signed(&keys, &[("tenant", "7")]);
        let tag = &list[list.find("k1:").unwrap() + 3..list.find(';').unwrap()];
        let malformed = [
            format!("{list},{}", &list["tenant=7,".len()..]),
            format!("tenant=7,context-sig=k1:{tag} x"),
            format!("tenant=7,context-sig=k1{tag};keys=tenant"),
            format!("tenant=7,context-sig=:{tag};keys=tenant"),
            format!("tenant=7,context-sig=k 1:{tag};keys=tenant"),
            format!("tenant=7,context-sig={}:{tag};keys=tenant", "k".repeat(33)),
            format!("tenant=7,context-sig=k1:{};keys=tenant", tag.to_uppercase()),
            format!("tenant=7,context-sig=k1:{};keys=tenant", &tag[1..]),
            format!("tenant=7,context-sig=k1:{tag}0;keys=tenant"),
            format!("tenant=7,context-sig=k1:{tag};keys=tenant;p"),
            format!("tenant=7,context-sig=k1:{tag};keys="),
            format!("tenant=7,context-sig=k1:{tag};keys=tenant::tenant"),
            format!("tenant=7,context-sig=k1:{tag};keys=tenant:tenant"),
            format!("tenant=7,context-sig=k1:{tag};key=tenant"),
            format!("tenant=7,context-sig=k1:{tag};keys=a(b)"),
            format!(
                "tenant=7,context-sig=k1:{tag};keys={}",
                (0..180)
                    .map(|i| format!("k{i}"))
                    .collect::<Vec<_>>()
                    .join(":")
            ),
        ];
        for list in &malformed {
            let error = verify(&keys, list).unwrap_err();
            assert!(
                matches!(error, CarrierError::MalformedSignature { .. }),
                "{list}: {error:?}"
            );
            assert!(
                error
                    .to_string()
                    .starts_with("malformed baggage signature: ")
            );
        }
        // past the limits (found by the fuzz target: it was kept there, as a field is, while
        // the baggage forwarded beside it was read without it)
        let others = (0..180)
            .map(|i| format!("k{i}=v"))
            .collect::<Vec<_>>()
            .join(",");
        let error = verify(
            &keys,
            &format!("tenant=7,{others},{}", &list["tenant=7,".len()..]),
        );
        assert_eq!(
            error,
            Err(CarrierError::MalformedSignature {
                reason: "the entry is past the W3C limits (8192 bytes, 180 entries)"
            })
        );
        // 179 covered keys are read (and then found missing)
        let most = (0..179)
            .map(|i| format!("k{i}"))
            .collect::<Vec<_>>()
            .join(":");
        let list = format!("context-sig=k1:{tag};keys={most}");
        assert_eq!(verify(&keys, &list), Err(CarrierError::SignedEntryMissing));
    }

    #[test]
    fn keys_are_validated_and_never_shown() {
        assert_eq!(
            SigningKeys::new("", [0; 32]).err(),
            Some(SigningKeyError::KeyId)
        );
        assert_eq!(
            SigningKeys::new("é", [0; 32]).err(),
            Some(SigningKeyError::KeyId)
        );
        assert_eq!(
            SigningKeys::new("a:b", [0; 32]).err(),
            Some(SigningKeyError::KeyId)
        );
        assert!(SigningKeys::new(&"a".repeat(32), [0; 16]).is_ok());
        assert_eq!(
            SigningKeys::new(&"a".repeat(33), [0; 32]).err(),
            Some(SigningKeyError::KeyId)
        );
        assert_eq!(
            SigningKeys::new("k", [0; 15]).err(),
            Some(SigningKeyError::ShortSecret { len: 15 })
        );
        assert_eq!(
            keys("k1", 1).accept("k1", [2; 32]).err(),
            Some(SigningKeyError::DuplicateKeyId)
        );
        let keys = SigningKeys::new("k1", "secret-marker-0123456789")
            .unwrap()
            .accept("k0", "secret-marker-abcdefghij")
            .unwrap();
        let debug = format!("{keys:?} {keys:#?}");
        assert!(!debug.contains("secret-marker"), "{debug}");
        assert_eq!(
            format!("{keys:?}"),
            r#"SigningKeys { signs_with: "k1", accepts: ["k1", "k0"] }"#
        );
    }

    #[test]
    fn another_secret_under_the_same_id_is_a_mismatch() {
        let list = signed(&keys("k1", 1), &[("tenant", "7")]);
        assert_eq!(
            verify(&keys("k1", 2), &list),
            Err(CarrierError::SignatureMismatch)
        );
    }
}
