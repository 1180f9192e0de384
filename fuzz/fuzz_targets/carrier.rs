//! Untrusted input on the way in: a `baggage` header (or job payload) and an `x-request-id`.
//! Nothing may panic. The lenient parse keeps what is in the format and within the limits, and
//! what it keeps renders to a list the strict parse reads back equal; a context extracted from
//! headers holds exactly what its own entries said (or an error naming one of its fields); and
//! sent on, it goes first, followed by the received entries that still fit, unchanged and in
//! order. Signed (feature `signing`): verifying any input never panics and fails only with a
//! signature's error; the context sent on signed verifies back to exactly its fields, whatever
//! was received beside them.

#![no_main]

use std::sync::OnceLock;

use context_runtime::{
    Baggage, CarrierError, RequestContext, RequestId, SigningKeys, inject_current,
};
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

#[derive(RequestContext)]
struct Ctx {
    #[context(propagate)]
    request_id: RequestId,
    #[context(propagate)]
    tenant: u64,
    #[context(propagate)]
    user: Option<String>,
    #[context(propagate, default = 1)]
    attempt: u32,
    #[context(sensitive)]
    token: String,
}

/// The runtime's registry of context types leaks each list it supersedes, on purpose (a few
/// hundred bytes per process: see `context-runtime/src/core/registry.rs`); entering `Ctx` and the
/// received baggage registers two types, which LeakSanitizer would report at exit.
#[unsafe(no_mangle)]
pub extern "C" fn __lsan_default_suppressions() -> *const std::ffi::c_char {
    c"leak:context_runtime::core::registry::register\nleak:core/registry.rs\n".as_ptr()
}

/// The key of the signature entry, never forwarded.
const SIGNATURE: &str = SigningKeys::ENTRY;

/// `Ctx`'s propagated fields, in declaration order: its baggage keys.
const FIELDS: [&str; 4] = ["request_id", "tenant", "user", "attempt"];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = parser(&text);

    // A context from HTTP headers: the raw bytes as one `baggage` header, or split in two
    // `baggage` headers at the first newline (which no header value can hold).
    let parts = match data.iter().position(|&b| b == b'\n') {
        Some(newline) => vec![&data[..newline], &data[newline + 1..]],
        None => vec![data],
    };
    if let Some(headers) = headers(&parts) {
        // One header is read as the text is: what `parser` found is what the carrier holds.
        context(&headers, (parts.len() == 1).then_some(&parsed));
    }

    // x-request-id: accepted exactly as sent, or not at all.
    if let Some(id) = RequestId::parse(data) {
        assert_eq!(id.as_str().as_bytes(), data);
        assert!((1..=RequestId::MAX_LEN).contains(&data.len()));
        assert!(data.iter().all(u8::is_ascii_graphic));
    }
});

/// What `Baggage::parse` and `Baggage::parse_strict` make of a text.
type Parsed = (Baggage, Result<Baggage, CarrierError>);

/// Invariants of `Baggage::parse` (lenient) and `Baggage::parse_strict` on any text.
fn parser(text: &str) -> Parsed {
    // Lenient: within the limits, and what it keeps renders to a fixed point.
    let baggage = Baggage::parse(text);
    assert!(baggage.len() <= Baggage::MAX_ENTRIES);
    let members = text.split(',').filter(|m| !ows(m).is_empty()).count();
    assert_eq!(baggage.len() + baggage.dropped(), members, "{text:?}");
    let rendered = baggage.to_string();
    assert!(
        rendered.bytes().all(|b| b.is_ascii_graphic()),
        "{rendered:?}"
    );
    assert!(rendered.len() <= Baggage::MAX_LEN, "{rendered:?}");
    let again = Baggage::parse_strict(&rendered)
        .unwrap_or_else(|error| panic!("{rendered:?} does not parse back strictly: {error}"));
    assert_eq!(again, baggage, "{rendered:?}");
    assert_eq!(again.to_string(), rendered);

    // Strict: all or nothing. What it accepts, the lenient parse keeps whole, except that the
    // strict limit is on the received text and the lenient one on the rendering (which can be
    // longer: `=` and `%FF` grow when re-encoded); then the lenient parse keeps what fits.
    let strict = Baggage::parse_strict(text);
    match &strict {
        Ok(strict) => {
            assert!(text.len() <= Baggage::MAX_LEN && strict.len() <= Baggage::MAX_ENTRIES);
            let strict_rendered = strict.to_string();
            if strict_rendered.len() <= Baggage::MAX_LEN {
                assert_eq!(&baggage, strict, "{text:?}");
                assert_eq!(baggage.dropped(), 0, "{text:?}");
            } else {
                let kept = fitting(0, 0, pieces(&strict_rendered), true);
                assert_eq!(rendered, kept.join(","), "{text:?}");
                assert_eq!(baggage.len() + baggage.dropped(), strict.len());
            }
        }
        Err(CarrierError::TooLarge { len }) => {
            assert_eq!(*len, text.len());
            assert!(*len > Baggage::MAX_LEN);
        }
        Err(CarrierError::TooManyEntries) => assert!(baggage.dropped() > 0, "{text:?}"),
        Err(CarrierError::Malformed { .. }) => assert!(baggage.dropped() > 0, "{text:?}"),
        Err(error) => panic!("{text:?}: a parse error is about the list, not {error:?}"),
    }
    (baggage, strict)
}

/// Checks extracting `Ctx` from `headers`, and sending it on with what they held; `parsed` is
/// what `parser` made of the only `baggage` header's text (`None` for several headers).
fn context(headers: &HeaderMap, parsed: Option<&Parsed>) {
    // The lists as the carrier reads them (each header on its own; they are one list).
    let lists: Vec<String> = headers
        .get_all("baggage")
        .iter()
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .collect();
    let joined = lists.join(",");

    let received = Baggage::extract(headers);
    let strict = Baggage::extract_strict(headers);
    let computed;
    let (lenient, parsed_strict) = match parsed {
        Some((lenient, strict)) => (lenient, strict),
        None => {
            computed = (Baggage::parse(&joined), Baggage::parse_strict(&joined));
            (&computed.0, &computed.1)
        }
    };
    assert_eq!(
        (&received, received.dropped()),
        (lenient, lenient.dropped())
    );
    assert_eq!(&strict, parsed_strict);

    // Received baggage alone is forwarded as received (it is within the limits already), but a
    // signature, which is never forwarded.
    let mut out = HeaderMap::new();
    let result = received.clone().sync_scope(|| inject_current(&mut out));
    assert_eq!(result, Ok(()));
    let sent: Vec<_> = out.get_all("baggage").iter().collect();
    let mut forwarded = received.clone();
    forwarded.remove(SIGNATURE);
    if forwarded.is_empty() {
        assert!(sent.is_empty(), "{sent:?}");
    } else {
        assert_eq!(sent, [forwarded.to_string().as_str()]);
    }

    // Verified as a hop that requires signatures: never a panic, only a signature's error, and
    // what verifies holds exactly the entries the signature lists (unreachable without the
    // secret, but checked should a input ever get there).
    verified(headers, &received);

    let expected = expected_extraction(&lists);
    let ctx = match (Ctx::extract(headers), expected) {
        (Ok(builder), Ok(expected)) => {
            let ctx = builder.token(String::new()).build();
            assert_eq!(own_entries(&ctx), expected, "{lists:?}");
            ctx
        }
        (Err(error), Err(expected)) => {
            assert!(
                !matches!(
                    error,
                    CarrierError::Malformed { .. }
                        | CarrierError::TooLarge { .. }
                        | CarrierError::TooManyEntries
                ),
                "{lists:?}: {error:?}"
            );
            // One field in error is its own variant; several are `Fields`, in field order.
            let parts = match &error {
                CarrierError::Fields { errors } => {
                    assert!(errors.len() >= 2, "{error:?}");
                    errors.as_slice()
                }
                single => std::slice::from_ref(single),
            };
            for part in parts {
                assert!(field_of(part).is_some_and(|field| FIELDS.contains(&field)));
            }
            let kinds: Vec<_> = parts.iter().map(kind_of).collect();
            assert_eq!(kinds, expected, "{lists:?}: {error:?}");
            return;
        }
        (got, expected) => panic!(
            "{lists:?}: extracted {:?}, expected {expected:?}",
            got.map(|builder| own_entries(&builder.token(String::new()).build()))
        ),
    };
    forward(ctx, headers, &received);
    signed(headers, &received);
}

/// The keys of the signed form: the input never knows the secret.
fn keys() -> &'static SigningKeys {
    static KEYS: OnceLock<SigningKeys> = OnceLock::new();
    KEYS.get_or_init(|| SigningKeys::new("fuzz", [7_u8; 32]).expect("a valid key"))
}

/// `SigningKeys::verify` of `headers`, whose lenient reading is `received`.
fn verified(headers: &HeaderMap, received: &Baggage) {
    match keys().verify(headers) {
        Ok(verified) => {
            // The only signature, and the keys it lists, each once in the baggage, in order.
            let signatures: Vec<_> = received
                .iter()
                .filter(|(key, _)| *key == SIGNATURE)
                .collect();
            assert_eq!(signatures.len(), 1, "{received:?}");
            let rendered = received.to_string();
            let listed = pieces(&rendered)
                .into_iter()
                .find(|piece| piece.starts_with("context-sig="))
                .and_then(|piece| piece.split_once(";keys="))
                .map_or(Vec::new(), |(_, keys)| keys.split(':').collect());
            let keys: Vec<_> = verified.iter().map(|(key, _)| key).collect();
            assert_eq!(keys, listed, "{rendered:?}");
            for (key, value) in verified.iter() {
                assert_eq!(received.iter().filter(|(k, _)| *k == key).count(), 1);
                assert_eq!(received.get(key), Some(value));
            }
        }
        Err(error) => assert!(is_signature_error(&error), "{error:?}"),
    }
}

fn is_signature_error(error: &CarrierError) -> bool {
    matches!(
        error,
        CarrierError::Unsigned
            | CarrierError::MalformedSignature { .. }
            | CarrierError::UnknownSigningKey
            | CarrierError::SignatureMismatch
            | CarrierError::SignedEntryMissing
            | CarrierError::SignedEntryRepeated
    )
}

/// The context `headers` hold, sent on signed with the `received` baggage forwarded: the
/// signature follows the context's fields, and verifying what was sent gives exactly those
/// fields, in order, whatever was received beside them; `from_baggage` of it reads them back.
fn signed(headers: &HeaderMap, received: &Baggage) {
    let Ok(builder) = Ctx::extract(headers) else {
        unreachable!("extracted once already")
    };
    let ctx = builder.token(String::new()).build();
    let own = own_entries(&ctx);
    let mut out = HeaderMap::new();
    let sent = received
        .clone()
        .sync_scope(|| ctx.sync_scope(|| keys().inject_current(&mut out)));
    if sent.is_err() {
        // The fields and the signature alone exceed the W3C limits.
        assert!(matches!(sent, Err(CarrierError::TooLarge { .. })), "{sent:?}");
        return;
    }
    let list = out["baggage"].to_str().expect("visible ASCII");
    let parsed = Baggage::parse_strict(list).expect("what we send parses strictly");
    assert_eq!(parsed.iter().nth(own.len()).map(|(key, _)| key), Some(SIGNATURE));
    assert_eq!(parsed.iter().filter(|(key, _)| *key == SIGNATURE).count(), 1);
    let verified = keys().verify(&out).expect("what we sign verifies");
    let entries: Vec<_> = verified.iter().collect();
    let expected: Vec<_> = own.iter().map(|(key, value)| (*key, value.as_str())).collect();
    assert_eq!(entries, expected);
    let again = Ctx::from_baggage(&verified).expect("every field signed");
    assert_eq!(own_entries(&again.token(String::new()).build()), own);
}

/// Sends `ctx` on, in scope with the `received` baggage and into `headers` (which hold it):
/// the context's fields first, then the received entries that are not its fields, in order,
/// dropped from the end to fit the limits; an error only when its fields alone do not fit.
fn forward(ctx: Ctx, headers: &HeaderMap, received: &Baggage) {
    let own = own_entries(&ctx);
    let own_rendered: Vec<String> = own
        .iter()
        .map(|(key, value)| format!("{key}={}", encode(value)))
        .collect();
    let own_len = own_rendered.iter().map(String::len).sum::<usize>() + own.len() - 1;

    let foreign = received.to_string();
    let foreign = pieces(&foreign)
        .into_iter()
        .filter(|piece| {
            let key = piece.split('=').next().unwrap_or_default();
            !FIELDS.contains(&key) && key != SIGNATURE
        })
        .collect::<Vec<_>>();

    // Into headers that hold the received baggage (they are replaced).
    let mut into_headers = headers.clone();
    let injected = ctx.inject(&mut into_headers);

    // Through the scopes, as a service sends a request on.
    let mut out = HeaderMap::new();
    let scoped = received
        .clone()
        .sync_scope(|| ctx.sync_scope(|| inject_current(&mut out)));

    if own_len > Baggage::MAX_LEN {
        // Only a field past the limits by itself is kept by `extract`; together they may not fit.
        let error = CarrierError::TooLarge { len: own_len };
        assert_eq!(injected, Err(error.clone()));
        assert_eq!(scoped, Err(error));
        return;
    }
    assert_eq!(injected, Ok(()));
    assert_eq!(scoped, Ok(()));

    let kept = fitting(own_len, own.len(), foreign, false);
    let mut expected = own_rendered.join(",");
    for piece in &kept {
        expected.push(',');
        expected.push_str(piece);
    }
    for out in [&into_headers, &out] {
        let sent: Vec<_> = out.get_all("baggage").iter().collect();
        assert_eq!(sent, [expected.as_str()]);
    }
    // ... which is valid W3C baggage within the limits, our fields first, reading back equal.
    assert!(expected.len() <= Baggage::MAX_LEN);
    let parsed = Baggage::parse_strict(&expected).expect("what we send parses strictly");
    assert!(parsed.len() <= Baggage::MAX_ENTRIES);
    let entries: Vec<_> = parsed.iter().collect();
    let own_sent: Vec<_> = own.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(entries[..own.len()], own_sent[..]);
    let again = Ctx::extract(&out).expect("our own baggage");
    let again = again.token(String::new()).build();
    assert_eq!(own_entries(&again), own);
}

/// `Ctx`'s propagated fields as entries, in order (an absent `user` left out).
fn own_entries(ctx: &Ctx) -> Vec<(&'static str, String)> {
    let mut entries = vec![
        ("request_id", ctx.request_id().as_str().to_owned()),
        ("tenant", ctx.tenant().to_string()),
    ];
    if let Some(user) = ctx.user() {
        entries.push(("user", user.clone()));
    }
    entries.push(("attempt", ctx.attempt().to_string()));
    entries
}

/// An error's kind and field, to compare with the reference reading.
type Kind = (&'static str, &'static str);

fn kind_of(error: &CarrierError) -> Kind {
    match error {
        CarrierError::Missing { field } => ("missing", field),
        CarrierError::Invalid { field, .. } => ("invalid", field),
        CarrierError::Duplicate { field } => ("duplicate", field),
        other => panic!("not a field's error: {other:?}"),
    }
}

fn field_of(error: &CarrierError) -> Option<&'static str> {
    match error {
        CarrierError::Missing { field }
        | CarrierError::Invalid { field, .. }
        | CarrierError::Duplicate { field } => Some(field),
        _ => None,
    }
}

/// What `Ctx::extract` must say about `lists`, read independently of the library: each field's
/// members (by the key before the first `=` or `;`), strictly in the W3C format and at most
/// `MAX_LEN` rendered bytes; every field that is wrong is an error, in declaration order.
fn expected_extraction(lists: &[String]) -> Result<Vec<(&'static str, String)>, Vec<Kind>> {
    let mut readings: [Vec<Option<String>>; 4] = Default::default();
    for member in lists.iter().flat_map(|list| list.split(',')).map(ows) {
        if member.is_empty() {
            continue;
        }
        let key = ows(member.split(['=', ';']).next().unwrap_or_default());
        let Some(index) = FIELDS.iter().position(|field| *field == key) else {
            continue;
        };
        let value = w3c_member(member)
            .filter(|(key, value, properties)| {
                rendered_len(key, value, properties) <= Baggage::MAX_LEN
            })
            .map(|(_, value, _)| value);
        readings[index].push(value);
    }
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for (field, reading) in FIELDS.into_iter().zip(readings) {
        match expected_field(field, &reading) {
            Ok(Some(value)) => entries.push((field, value)),
            Ok(None) => {}
            Err(kind) => errors.push((kind, field)),
        }
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

/// What `Ctx::extract` must read for one field from the members under its key (each `None`
/// when not in the format): its value, `None` for an absent `user`, or the kind of error.
fn expected_field(
    field: &'static str,
    reading: &[Option<String>],
) -> Result<Option<String>, &'static str> {
    let text = match reading {
        [] => None,
        [Some(value)] => Some(value.clone()),
        many if many.iter().all(Option::is_none) => return Err("invalid"),
        _ => return Err("duplicate"),
    };
    let value = match (field, text) {
        ("user", None) => return Ok(None),
        ("attempt", None) => "1".to_owned(),
        (_, None) => return Err("missing"),
        ("request_id", Some(text)) => text
            .parse::<RequestId>()
            .map_err(|_| "invalid")?
            .as_str()
            .to_owned(),
        ("tenant", Some(text)) => text.parse::<u64>().map_err(|_| "invalid")?.to_string(),
        ("attempt", Some(text)) => text.parse::<u32>().map_err(|_| "invalid")?.to_string(),
        (_, Some(text)) => text,
    };
    Ok(Some(value))
}

/// A list member (trimmed) in the W3C format: `key OWS = OWS value *(OWS ; OWS property)`, as
/// `(key, decoded value, properties without optional whitespace)`.
fn w3c_member(member: &str) -> Option<(&str, String, String)> {
    let (pair, properties) = member.split_once(';').unwrap_or((member, ""));
    let (key, value) = pair.split_once('=')?;
    let (key, value) = (ows(key), ows(value));
    if !is_token(key) || !value.bytes().all(is_baggage_octet) {
        return None;
    }
    let mut normalized = Vec::new();
    for property in properties.split(';') {
        match property.split_once('=') {
            Some((key, value)) => {
                let (key, value) = (ows(key), ows(value));
                if !is_token(key) || !value.bytes().all(is_baggage_octet) {
                    return None;
                }
                normalized.push(format!("{key}={value}"));
            }
            None if ows(property).is_empty() => {}
            None if is_token(ows(property)) => normalized.push(ows(property).to_owned()),
            None => return None,
        }
    }
    Some((key, decode(value), normalized.join(";")))
}

/// Percent-decoding: `%` and two hex digits is a byte, any other `%` is itself; the bytes as
/// UTF-8, invalid sequences replaced.
fn decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encoding for the wire: every byte but the baggage octets, and `%` and `=` too.
fn encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if is_plain(byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn is_plain(byte: u8) -> bool {
    is_baggage_octet(byte) && byte != b'%' && byte != b'='
}

fn rendered_len(key: &str, value: &str, properties: &str) -> usize {
    let value: usize = value.bytes().map(|b| if is_plain(b) { 1 } else { 3 }).sum();
    let properties = if properties.is_empty() {
        0
    } else {
        1 + properties.len()
    };
    key.len() + 1 + value + properties
}

/// The rendered entries of a rendered list (no rendered entry holds a `,`).
fn pieces(rendered: &str) -> Vec<&str> {
    if rendered.is_empty() {
        Vec::new()
    } else {
        rendered.split(',').collect()
    }
}

/// The rendered entries among `pieces` that fit after `len` bytes and `count` entries already
/// there, within the limits: the longest prefix that fits when `skip` is false (dropping from
/// the end), each one that still fits when it is true (the lenient parse, member by member).
fn fitting(mut len: usize, mut count: usize, pieces: Vec<&str>, skip: bool) -> Vec<&str> {
    let mut kept = Vec::new();
    for piece in pieces {
        let grown = len + piece.len() + usize::from(count > 0);
        if count == Baggage::MAX_ENTRIES || grown > Baggage::MAX_LEN {
            if skip {
                continue;
            }
            break;
        }
        (len, count) = (grown, count + 1);
        kept.push(piece);
    }
    kept
}

fn is_baggage_octet(byte: u8) -> bool {
    byte.is_ascii_graphic() && !matches!(byte, b'"' | b',' | b';' | b'\\')
}

fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Without RFC 7230 optional whitespace (spaces and tabs) at either end.
fn ows(text: &str) -> &str {
    text.trim_matches([' ', '\t'])
}

/// Headers with one `baggage` header per part, if every part is a valid header value.
fn headers(parts: &[&[u8]]) -> Option<HeaderMap> {
    let mut headers = HeaderMap::new();
    for part in parts {
        headers.append("baggage", HeaderValue::from_bytes(part).ok()?);
    }
    Some(headers)
}
