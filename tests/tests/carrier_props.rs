//! Carrier properties: for arbitrary field values (any Unicode, control characters, the
//! delimiters of the baggage grammar, extreme numbers), a context injected into a carrier and
//! extracted again has the same propagated fields, next to arbitrary foreign entries that are
//! kept in order; `Baggage` entries survive insert → render → parse; and `Baggage::parse` of
//! arbitrary text never panics, refuses with a parse error only, and what it accepts renders to
//! a fixed point.

mod props;

use std::collections::HashMap;

use context_runtime::{BAGGAGE, Baggage, CarrierError, RequestContext};
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
    #[context(log, propagate)]
    flag: bool,
    #[context(default = 7, propagate)]
    retries: u16,
    local: String,
}

/// The propagated fields, by their getters.
type Fields = (String, u64, i32, Option<String>, bool, u16);

fn fields(ctx: &PropCtx) -> Fields {
    (
        ctx.text().clone(),
        *ctx.count(),
        *ctx.delta(),
        ctx.note().cloned(),
        *ctx.flag(),
        *ctx.retries(),
    )
}

/// A baggage key: an RFC 7230 token.
fn key() -> impl Strategy<Value = String> {
    "[-!#$%&'*+.^_`|~0-9A-Za-z]{1,12}"
}

/// Foreign baggage, `(key, value)` pairs whose keys are not the context's field names.
fn foreign() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec(("x-[a-z0-9]{1,8}", text()), 0..8)
}

/// Text built from pieces of the baggage grammar, so that parsing gets past the first byte.
fn baggage_ish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[ -~]",
        Just(",".to_owned()),
        Just(";".to_owned()),
        Just("=".to_owned()),
        Just("%".to_owned()),
        Just(" ".to_owned()),
        Just("\t".to_owned()),
        Just("k".to_owned()),
        Just("v1".to_owned()),
        Just("%FF".to_owned()),
        Just("%2C".to_owned()),
        Just("%e2%82%ac".to_owned()),
        Just("k=v".to_owned()),
        Just("é".to_owned()),
    ];
    proptest::collection::vec(piece, 0..48).prop_map(|pieces| pieces.concat())
}

/// Optional whitespace, as the grammar allows around delimiters.
fn ows() -> impl Strategy<Value = String> {
    "[ \t]{0,2}"
}

/// A list of mostly well-formed members (`key=value;property`, escapes valid or not, optional
/// whitespace), now and then a broken one: most lists parse, so their rendering is checked.
fn member_list() -> impl Strategy<Value = String> {
    let octets = "[!#-+\\--:<-\\[\\]-~]{0,6}";
    let value_piece = prop_oneof![
        6 => octets,
        3 => "%[0-9A-Fa-f]{2}",
        1 => "%[0-9A-Za-z]?|[ ,;\"\\\\é]",
    ];
    let value = proptest::collection::vec(value_piece, 0..4).prop_map(|pieces| pieces.concat());
    let property = (ows(), key(), proptest::option::of(octets), ows()).prop_map(
        |(before, key, value, after)| match value {
            Some(value) => format!(";{before}{key}={value}{after}"),
            None => format!(";{before}{key}{after}"),
        },
    );
    let member = (
        key(),
        ows(),
        ows(),
        value,
        proptest::collection::vec(property, 0..3),
    )
        .prop_map(|(key, before, after, value, properties)| {
            format!("{key}{before}={after}{value}{}", properties.concat())
        });
    let separator = (ows(), prop_oneof![9 => Just(","), 1 => Just(",,")], ows())
        .prop_map(|(before, comma, after)| format!("{before}{comma}{after}"));
    (
        proptest::collection::vec(member, 0..12),
        proptest::collection::vec(separator, 12),
    )
        .prop_map(|(members, separators)| {
            let mut list = String::new();
            for (member, separator) in members.iter().zip(&separators) {
                if !list.is_empty() {
                    list.push_str(separator);
                }
                list.push_str(member);
            }
            list
        })
}

/// `insert`'s documented semantics on a plain list: the first entry under a key is replaced (in
/// place), otherwise the pair is appended.
fn model_insert(model: &mut Vec<(String, String)>, key: &str, value: &str) {
    match model.iter_mut().find(|(k, _)| k == key) {
        Some(entry) => value.clone_into(&mut entry.1),
        None => model.push((key.to_owned(), value.to_owned())),
    }
}

/// Asserts `baggage`'s entries are `model`'s.
fn same_entries(baggage: &Baggage, model: &[(String, String)]) -> Result<(), TestCaseError> {
    let entries: Vec<(&str, &str)> = baggage.iter().collect();
    let expected: Vec<(&str, &str)> = model
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    prop_assert_eq!(entries, expected);
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn propagated_fields_round_trip(
        text in text(),
        count in any::<u64>(),
        delta in any::<i32>(),
        note in proptest::option::of(text()),
        flag in any::<bool>(),
        retries in proptest::option::of(any::<u16>()),
        local in text(),
        foreign in foreign(),
    ) {
        let sender = PropCtx::builder()
            .text(text)
            .count(count)
            .delta(delta)
            .maybe_note(note)
            .flag(flag)
            .local(local);
        let sent = match retries {
            Some(retries) => sender.retries(retries).build(),
            None => sender.build(),
        };

        let mut received_baggage = Baggage::new();
        let mut model = Vec::new();
        for (key, value) in &foreign {
            received_baggage.insert(key, value.clone()).expect("a token key");
            model_insert(&mut model, key, value);
        }
        let mut carrier = HashMap::new();
        received_baggage.inject(&mut carrier).expect("forward");
        sent.inject(&mut carrier).expect("inject");

        let rendered = &carrier.get(BAGGAGE).expect("written");
        prop_assert!(rendered.bytes().all(|b| b.is_ascii_graphic()), "{}", rendered);

        let received = PropCtx::extract(&carrier)
            .expect("extract")
            .local("receiver".into())
            .build();
        prop_assert_eq!(fields(&received), fields(&sent));
        prop_assert_eq!(received.local(), "receiver");

        // Ours come first; then the foreign entries, in order, untouched.
        let baggage = Baggage::parse_strict(rendered).expect("our own output is strict baggage");
        let ours = 5 + usize::from(sent.note().is_some());
        prop_assert_eq!(baggage.len(), model.len() + ours);
        let theirs: Vec<(&str, &str)> = baggage.iter().skip(ours).collect();
        let expected: Vec<(&str, &str)> =
            model.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        prop_assert_eq!(theirs, expected);
        prop_assert!(baggage.iter().all(|(key, _)| key != "local"));
    }

    #[test]
    fn baggage_entries_survive_render_and_parse(
        pairs in proptest::collection::vec((key(), text()), 0..24),
    ) {
        let mut baggage = Baggage::new();
        let mut model = Vec::new();
        for (key, value) in &pairs {
            baggage.insert(key, value.clone()).expect("a token key");
            model_insert(&mut model, key, value);
        }
        same_entries(&baggage, &model)?;
        let rendered = baggage.to_string();
        prop_assert!(rendered.bytes().all(|b| b.is_ascii_graphic()), "{}", rendered);
        let parsed = Baggage::parse_strict(&rendered).expect("its own rendering parses");
        same_entries(&parsed, &model)?;
        prop_assert_eq!(&parsed, &baggage);
        prop_assert_eq!(parsed.to_string(), rendered);
    }

    #[test]
    fn parsing_any_text_never_panics(list in prop_oneof![".*", text(), "[ -~%,;=\t]*"]) {
        check_parse(&list)?;
    }

    #[test]
    fn parsing_baggage_like_text_never_panics(list in prop_oneof![baggage_ish(), member_list()]) {
        check_parse(&list)?;
    }
}

/// `parse_strict(list)` fails with a parse error, or gives the list the lenient `parse` gives,
/// with nothing dropped; either way, what `parse` keeps renders to a fixed point that is strict
/// baggage within the limits.
fn check_parse(list: &str) -> Result<(), TestCaseError> {
    let lenient = Baggage::parse(list);
    match Baggage::parse_strict(list) {
        Err(error) => prop_assert!(
            matches!(
                error,
                CarrierError::Malformed { .. }
                    | CarrierError::TooLarge { .. }
                    | CarrierError::TooManyEntries
            ),
            "{:?}: {:?}",
            list,
            error
        ),
        Ok(strict) => {
            prop_assert_eq!(&strict, &lenient, "{:?}", list);
            prop_assert_eq!(lenient.dropped(), 0, "{:?}", list);
        }
    }
    prop_assert!(lenient.len() <= Baggage::MAX_ENTRIES);
    let rendered = lenient.to_string();
    let again = Baggage::parse_strict(&rendered);
    prop_assert_eq!(again.as_ref(), Ok(&lenient), "{:?} → {:?}", list, rendered);
    prop_assert_eq!(again.map(|b| b.to_string()), Ok(rendered));
    Ok(())
}

/// What we forward, OpenTelemetry reads back (feature `opentelemetry`).
#[cfg(feature = "opentelemetry")]
mod opentelemetry_reads_it {
    use std::collections::{BTreeMap, HashMap};

    use context_runtime::{Baggage, inject_current};
    use opentelemetry::baggage::BaggageExt;
    use opentelemetry::propagation::TextMapPropagator;
    use opentelemetry_sdk::propagation::BaggagePropagator;
    use proptest::prelude::*;

    use super::{PropCtx, config, text};

    proptest! {
        #![proptest_config(config())]

        /// A context and received baggage, sent on by `inject_current`: OpenTelemetry's own
        /// propagator reads every field and every forwarded entry, with its value (trimmed:
        /// OpenTelemetry trims every value it reads).
        #[test]
        fn forwarded_baggage_reads_back_under_opentelemetry(
            text in text(),
            count in any::<u64>(),
            note in proptest::option::of(text()),
            received in proptest::collection::btree_map("x-[a-z0-9]{1,8}", text(), 0..8),
        ) {
            let ctx = PropCtx::builder()
                .text(text.clone())
                .count(count)
                .delta(-1)
                .maybe_note(note.clone())
                .flag(true)
                .local(String::new())
                .build();
            let mut baggage = Baggage::new();
            for (key, value) in &received {
                baggage.insert(key, value.clone()).expect("a token key");
            }
            let mut carrier = HashMap::new();
            ctx.sync_scope(|| baggage.sync_scope(|| inject_current(&mut carrier)))
                .expect("fits");

            let cx = BaggagePropagator::new().extract(&carrier);
            let read: BTreeMap<String, String> = cx
                .baggage()
                .iter()
                .map(|(key, (value, _))| (key.to_string(), value.to_string()))
                .collect();
            let mut expected: BTreeMap<String, String> = received
                .iter()
                .map(|(key, value)| (key.clone(), value.trim().to_owned()))
                .collect();
            let count = count.to_string();
            let ours = [
                ("text", Some(text.as_str())),
                ("count", Some(count.as_str())),
                ("delta", Some("-1")),
                ("note", note.as_deref()),
                ("flag", Some("true")),
                ("retries", Some("7")),
            ];
            for (key, value) in ours {
                if let Some(value) = value {
                    expected.insert(key.to_owned(), value.trim().to_owned());
                }
            }
            prop_assert_eq!(read, expected);
        }
    }
}
