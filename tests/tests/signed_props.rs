//! Signed-field properties (feature `signing`): for arbitrary field values (any Unicode, the
//! delimiters of the baggage grammar, extreme numbers) next to arbitrary foreign entries, what
//! `SigningKeys::inject_current` writes verifies to exactly the context's fields and reads back
//! equal; any change to a signed entry's value is refused as `SignatureMismatch`, while the same
//! values written with another percent-encoding still verify (the MAC is over decoded values);
//! and `verify` of arbitrary text never panics, returning only entries the text holds, or a
//! signature error.

#![cfg(feature = "signing")]

mod props;

use std::collections::HashMap;
use std::fmt::Write as _;

use context_runtime::{BAGGAGE, Baggage, CarrierError, RequestContext, SigningKeys};
use proptest::prelude::*;

use props::{config, text};

/// A context with a propagated field of each common kind, and one that stays local.
#[derive(RequestContext)]
struct PropCtx {
    #[context(propagate)]
    text: String,
    #[context(propagate)]
    count: u64,
    #[context(propagate)]
    delta: i32,
    #[context(propagate)]
    note: Option<String>,
    #[context(propagate)]
    flag: bool,
    local: String,
}

/// The propagated fields, by their getters.
type Fields = (String, u64, i32, Option<String>, bool);

fn fields_of(ctx: &PropCtx) -> Fields {
    (
        ctx.text().clone(),
        *ctx.count(),
        *ctx.delta(),
        ctx.note().cloned(),
        *ctx.flag(),
    )
}

fn build((text, count, delta, note, flag): Fields) -> PropCtx {
    PropCtx::builder()
        .text(text)
        .count(count)
        .delta(delta)
        .maybe_note(note)
        .flag(flag)
        .local("stays here".to_owned())
        .build()
}

fn any_fields() -> impl Strategy<Value = Fields> {
    (
        text(),
        any::<u64>(),
        any::<i32>(),
        proptest::option::of(text()),
        any::<bool>(),
    )
}

/// Foreign baggage, `(key, value)` pairs whose keys are not the context's field names.
fn foreign() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec(("x-[a-z0-9]{1,8}", text()), 0..8)
}

fn keys() -> SigningKeys {
    SigningKeys::new("k1", [1_u8; 32]).expect("a valid key")
}

/// The list `keys` writes for `fields` into a carrier that held the `foreign` entries.
fn signed(keys: &SigningKeys, fields: Fields, foreign: &[(String, String)]) -> String {
    signed_beside(keys, fields, foreign).0
}

/// [`signed`], and the foreign entries as the carrier held them.
fn signed_beside(
    keys: &SigningKeys,
    fields: Fields,
    foreign: &[(String, String)],
) -> (String, Baggage) {
    let mut existing = Baggage::new();
    for (key, value) in foreign {
        existing.insert(key, value.clone()).expect("a token key");
    }
    let mut carrier = HashMap::new();
    if !existing.is_empty() {
        carrier.insert(BAGGAGE.to_owned(), existing.to_string());
    }
    build(fields)
        .sync_scope(|| keys.inject_current(&mut carrier))
        .expect("fits");
    (carrier.remove(BAGGAGE).expect("signed baggage"), existing)
}

/// `list` with every byte of `key`'s first value percent-encoded: the same value, written
/// differently.
fn escaped_everywhere(list: &str, key: &str) -> String {
    let prefix = format!("{key}=");
    let mut done = false;
    list.split(',')
        .map(|entry| match entry.strip_prefix(&prefix) {
            Some(_) if !done => {
                done = true;
                let decoded = Baggage::parse_strict(entry).expect("ours");
                let decoded = decoded.get(key).expect("the entry").as_bytes();
                let mut escaped = prefix.clone();
                for byte in decoded {
                    write!(escaped, "%{byte:02X}").expect("a String");
                }
                escaped
            }
            _ => entry.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

proptest! {
    #![proptest_config(config())]

    /// Sign → verify → `from_baggage` gives back the fields, and the verified baggage holds
    /// exactly the context's entries, whatever foreign entries travel beside them.
    #[test]
    fn signed_fields_round_trip(fields in any_fields(), foreign in foreign()) {
        let keys = keys();
        let (list, existing) = signed_beside(&keys, fields.clone(), &foreign);
        let verified = keys.verify(&HashMap::from([(BAGGAGE.to_owned(), list.clone())]));
        let verified = verified.unwrap_or_else(|error| panic!("{list:?}: {error}"));
        let mut expected = vec!["count", "delta", "flag", "text"];
        if fields.3.is_some() {
            expected.push("note");
        }
        let mut got: Vec<_> = verified.iter().map(|(key, _)| key).collect();
        got.sort_unstable();
        expected.sort_unstable();
        prop_assert_eq!(got, expected);
        let ctx = PropCtx::from_baggage(&verified)
            .expect("every field signed")
            .local(String::new())
            .build();
        prop_assert_eq!(fields_of(&ctx), fields);
        // and the foreign entries follow, unsigned, as they were
        let received = Baggage::parse_strict(&list).expect("what we send is strict baggage");
        let own = ["text", "count", "delta", "note", "flag", SigningKeys::ENTRY];
        let others: Vec<_> = received.iter().filter(|(key, _)| !own.contains(key)).collect();
        prop_assert_eq!(others, existing.iter().collect::<Vec<_>>());
    }

    /// Any other value for any signed entry is refused; the same value escaped differently is
    /// not a change.
    #[test]
    fn any_change_to_a_signed_value_is_detected(
        fields in any_fields(),
        foreign in foreign(),
        which in 0_usize..5,
        replacement in text(),
    ) {
        let keys = keys();
        let list = signed(&keys, fields.clone(), &foreign);
        let received = Baggage::parse_strict(&list).expect("what we send is strict baggage");
        let key = ["text", "count", "delta", "note", "flag"][which];
        let Some(original) = received.get(key).map(str::to_owned) else {
            // `note` was `None`: nothing of it was signed
            prop_assert!(fields.3.is_none());
            return Ok(());
        };

        // the same value, every byte escaped: verifies
        let escaped = escaped_everywhere(&list, key);
        prop_assert!(keys.verify_baggage(&Baggage::parse(&escaped)).is_ok(), "{escaped:?}");

        prop_assume!(replacement != original);
        let mut changed = received.clone();
        changed.insert(key, replacement).expect("a token key");
        prop_assert_eq!(
            keys.verify_baggage(&changed).err(),
            Some(CarrierError::SignatureMismatch),
            "{:?}", changed.to_string()
        );
        // ... and rendered and read again, as the next hop would
        let again = Baggage::parse(&changed.to_string());
        prop_assert_eq!(keys.verify_baggage(&again).err(), Some(CarrierError::SignatureMismatch));
    }

    /// Arbitrary text next to a genuine signature: `verify` never panics; what it returns is
    /// the signed entries, each as the text holds it, or a signature error.
    #[test]
    fn verify_of_any_text_never_panics(fields in any_fields(), noise in ".*", at_front in any::<bool>()) {
        let keys = keys();
        let list = signed(&keys, fields, &[]);
        let text = if at_front { format!("{noise},{list}") } else { format!("{list},{noise}") };
        let parsed = Baggage::parse(&text);
        match keys.verify_baggage(&parsed) {
            Ok(verified) => {
                for (key, value) in verified.iter() {
                    prop_assert_eq!(parsed.get(key), Some(value));
                }
            }
            Err(error) => prop_assert!(
                matches!(
                    error,
                    CarrierError::Unsigned
                        | CarrierError::MalformedSignature { .. }
                        | CarrierError::UnknownSigningKey
                        | CarrierError::SignatureMismatch
                        | CarrierError::SignedEntryMissing
                        | CarrierError::SignedEntryRepeated
                ),
                "{text:?}: {error:?}"
            ),
        }
    }
}
