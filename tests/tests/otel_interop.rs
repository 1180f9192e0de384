//! OpenTelemetry interop (feature `opentelemetry`): our W3C baggage and OpenTelemetry 0.33's own
//! `BaggagePropagator` read each other, both ways. Values holding `=`, `,`, `;`, `%`, spaces,
//! quotes, backslashes and non-ASCII that a context sends are read by OpenTelemetry exactly; what
//! OpenTelemetry sends is read by the generated `extract` exactly, `100%%20sure` included, except
//! a raw backslash (outside the W3C grammar), which is refused with an error naming our field and
//! merely left out of another producer's entry; a trip through both systems, in either order,
//! ends where it started; other producers' sloppy entries never cost our fields, wherever they
//! sit in the list; `ContextPropagator` replaces `BaggagePropagator` next to
//! `TraceContextPropagator` (our fields first and winning a name clash, OpenTelemetry's baggage and
//! the received baggage forwarded, every entry visible through `cx.baggage()` on the way in); and
//! a list at the W3C size limit still carries our fields to a reader that takes only the first 64
//! members.

#![cfg(feature = "opentelemetry")]

use std::collections::HashMap;

use context_runtime::{
    BAGGAGE, Baggage, CarrierError, ContextPropagator, RequestContext, inject_current,
};
use opentelemetry::baggage::BaggageExt;
use opentelemetry::propagation::{TextMapCompositePropagator, TextMapPropagator};
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};

/// Values holding every byte the two encoders treat differently: `=`, `,`, `;`, `%` (before a
/// space, OpenTelemetry writes `100%%20sure`), space, `"`, `\` and non-ASCII. Spaces sit inside
/// the values only: OpenTelemetry trims values, on both sides of the wire.
const TRICKY: [&str; 11] = [
    "a=b=c",
    "one,two",
    "key;prop",
    "100% sure",
    "50%off",
    "say \"hi\"",
    "C:\\temp",
    "café au lait",
    "rust 🦀 crab",
    "a=b,c;d 100% \"e\" é🦀",
    "a=b,c;d 100% \"e\" f\\g é🦀",
];

/// A value OpenTelemetry cannot send as itself: it writes `%` as is, so what it sends for this
/// reads back as `A is not A`, by OpenTelemetry too. Our encoding keeps it.
const LOOKS_ESCAPED: &str = "%41 is not A";

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID: &str = "00f067aa0ba902b7";

/// A request's context: every field crosses the boundary.
#[derive(RequestContext)]
struct Ctx {
    #[context(propagate)]
    request_id: String,
    #[context(propagate)]
    tenant: u64,
    #[context(propagate)]
    note: Option<String>,
}

/// What a receiver sees of a context.
type Fields = (String, u64, Option<String>);

fn ctx(request_id: &str, tenant: u64, note: Option<&str>) -> Ctx {
    Ctx::builder()
        .request_id(request_id.to_owned())
        .tenant(tenant)
        .maybe_note(note.map(str::to_owned))
        .build()
}

fn fields(ctx: &Ctx) -> Fields {
    (ctx.request_id().clone(), *ctx.tenant(), ctx.note().cloned())
}

/// `r-1`, tenant 7, no note: the context most tests send.
fn r1() -> Fields {
    ("r-1".to_owned(), 7, None)
}

/// The generated `extract` at the receiver.
fn receive(carrier: &HashMap<String, String>) -> Result<Fields, CarrierError> {
    Ctx::extract(carrier).map(|builder| fields(&builder.build()))
}

/// A carrier whose `baggage` is `list`.
fn carrier(list: &str) -> HashMap<String, String> {
    HashMap::from([(BAGGAGE.to_owned(), list.to_owned())])
}

/// The entries of OpenTelemetry's baggage in `cx`, `key → value`.
fn otel_entries(cx: &Context) -> HashMap<String, String> {
    cx.baggage()
        .iter()
        .map(|(key, (value, _))| (key.to_string(), value.to_string()))
        .collect()
}

/// What OpenTelemetry's own `BaggagePropagator` reads from `carrier`.
fn otel_extract(carrier: &HashMap<String, String>) -> HashMap<String, String> {
    otel_entries(&BaggagePropagator::new().extract(carrier))
}

/// A context of OpenTelemetry's holding `entries` as its baggage.
fn otel_cx(entries: &[(&str, &str)]) -> Context {
    Context::new().with_baggage(
        entries
            .iter()
            .map(|&(key, value)| KeyValue::new(key.to_owned(), value.to_owned())),
    )
}

/// What `propagator` injects for `cx`.
fn inject_with(propagator: &dyn TextMapPropagator, cx: &Context) -> HashMap<String, String> {
    let mut carrier = HashMap::new();
    propagator.inject_context(cx, &mut carrier);
    carrier
}

/// What OpenTelemetry's own `BaggagePropagator` sends for a baggage of `entries`.
fn otel_sent(entries: &[(&str, &str)]) -> HashMap<String, String> {
    inject_with(&BaggagePropagator::new(), &otel_cx(entries))
}

/// `entries` as a map, to compare with OpenTelemetry's (a `HashMap`, without order).
fn map(entries: &[(&str, &str)]) -> HashMap<String, String> {
    entries
        .iter()
        .map(|&(key, value)| (key.to_owned(), value.to_owned()))
        .collect()
}

/// What `ctx.inject` writes, and what `inject_current` writes in its scope.
fn sent_both_ways(ctx: Ctx) -> [HashMap<String, String>; 2] {
    let mut direct = HashMap::new();
    ctx.inject(&mut direct).expect("inject");
    let mut current = HashMap::new();
    ctx.sync_scope(|| inject_current(&mut current))
        .expect("inject_current");
    [direct, current]
}

/// Trace context and our baggage in one propagator, as a service installs them.
fn composite() -> TextMapCompositePropagator {
    TextMapCompositePropagator::new(vec![
        Box::new(TraceContextPropagator::new()),
        Box::new(ContextPropagator::new()),
    ])
}

/// A context of OpenTelemetry's continuing a remote span.
fn remote_span() -> Context {
    let span = SpanContext::new(
        TraceId::from_hex(TRACE_ID).expect("a trace id"),
        SpanId::from_hex(SPAN_ID).expect("a span id"),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    );
    Context::new().with_remote_span_context(span)
}

/// The `traceparent` header of [`remote_span`].
fn traceparent() -> String {
    format!("00-{TRACE_ID}-{SPAN_ID}-01")
}

#[test]
fn opentelemetry_reads_what_we_send_exactly() {
    for value in TRICKY.into_iter().chain([LOOKS_ESCAPED]) {
        for sent in sent_both_ways(ctx(value, 7, Some(value))) {
            assert_eq!(
                otel_extract(&sent),
                map(&[("request_id", value), ("tenant", "7"), ("note", value)]),
                "{value:?} sent as {sent:?}"
            );
        }
    }
}

#[test]
fn we_read_what_opentelemetry_sends_exactly() {
    for value in TRICKY.into_iter().filter(|value| !value.contains('\\')) {
        let sent = otel_sent(&[("request_id", value), ("tenant", "7"), ("note", value)]);
        assert_eq!(
            receive(&sent),
            Ok((value.to_owned(), 7, Some(value.to_owned()))),
            "{value:?} sent as {sent:?}"
        );
    }
    // What OpenTelemetry writes: `%` and `\` as they are, which W3C does not allow for `\`.
    for (value, raw) in [
        ("100% sure", "100%%20sure"),
        ("50%off", "50%off"),
        ("C:\\temp", "C:\\temp"),
        ("a=b=c", "a%3Db%3Dc"),
        ("café au lait", "caf%C3%A9%20au%20lait"),
    ] {
        assert_eq!(otel_sent(&[("k", value)])[BAGGAGE], format!("k={raw}"));
    }
}

#[test]
fn a_raw_backslash_from_opentelemetry_is_refused_in_our_field_and_dropped_in_another() {
    for value in TRICKY.into_iter().filter(|value| value.contains('\\')) {
        // Our own field: refused, naming it, rather than read as what the sender may not mean.
        for (entries, field) in [
            (&[("request_id", value), ("tenant", "7")][..], "request_id"),
            (
                &[("request_id", "r-1"), ("tenant", "7"), ("note", value)],
                "note",
            ),
        ] {
            let sent = otel_sent(entries);
            let error = receive(&sent).expect_err(&format!("{sent:?} was read"));
            let CarrierError::Invalid {
                field: named,
                reason,
            } = &error
            else {
                panic!("{sent:?}: {error:?}")
            };
            assert_eq!(*named, field, "{sent:?}");
            assert!(reason.contains("percent-encoded"), "{sent:?}: {reason}");
        }
        // Another producer's entry: left out, and our fields are read.
        let sent = otel_sent(&[("request_id", "r-1"), ("tenant", "7"), ("path", value)]);
        assert_eq!(receive(&sent), Ok(r1()), "{sent:?}");
        let received = Baggage::extract(&sent);
        assert_eq!((received.get("path"), received.dropped()), (None, 1));
    }
}

#[test]
fn ours_through_opentelemetry_and_back_is_unchanged() {
    // Not the backslashes: OpenTelemetry sends them on raw, refused above.
    for value in TRICKY.into_iter().filter(|value| !value.contains('\\')) {
        let sent = ctx(value, 7, Some(value));
        let mut first = HashMap::new();
        sent.inject(&mut first).expect("inject");
        let cx = BaggagePropagator::new().extract(&first);
        let second = inject_with(&BaggagePropagator::new(), &cx);
        assert_eq!(
            receive(&second),
            Ok(fields(&sent)),
            "{first:?} → {second:?}"
        );
    }
}

#[tokio::test]
async fn opentelemetry_through_us_and_back_is_unchanged() {
    let keys: Vec<String> = (0..TRICKY.len()).map(|i| format!("v{i}")).collect();
    let mut entries = vec![("request_id", "r-1"), ("tenant", "7")];
    entries.extend(keys.iter().map(String::as_str).zip(TRICKY));
    let sent = otel_sent(&entries);

    // A service between the two: its context from what it received, which it forwards.
    let received = Baggage::extract(&sent);
    let raw_backslashes = TRICKY.iter().filter(|value| value.contains('\\')).count();
    assert_eq!(received.dropped(), raw_backslashes, "{sent:?}");
    let ctx = Ctx::from_baggage(&received).expect("from_baggage").build();
    assert_eq!(fields(&ctx), r1());
    let forwarded = ctx
        .scope(received.scope(async {
            let mut outgoing = HashMap::new();
            inject_current(&mut outgoing).expect("inject_current");
            outgoing
        }))
        .await;

    // Everything but what OpenTelemetry sent outside the W3C grammar (a raw backslash).
    let w3c: Vec<_> = entries
        .into_iter()
        .filter(|(_, value)| !value.contains('\\'))
        .collect();
    assert_eq!(
        otel_extract(&forwarded),
        map(&w3c),
        "{sent:?} → {forwarded:?}"
    );
}

#[test]
fn sloppy_foreign_entries_never_cost_our_fields() {
    // (entry, its key, what we read under it, what OpenTelemetry reads under it)
    for (foreign, key, ours, theirs) in [
        ("vendor=bad value", "vendor", None, Some("bad value")),
        ("vendorflag", "vendorflag", None, None),
        ("k(1)=x", "k(1)", None, None),
        ("vendor=50%off", "vendor", Some("50%off"), Some("50%off")),
        ("vendor=café", "vendor", None, Some("café")),
        ("vendor=\"quoted\"", "vendor", None, Some("\"quoted\"")),
        (
            "vendor=100%%20sure",
            "vendor",
            Some("100% sure"),
            Some("100% sure"),
        ),
        ("path=C:\\temp", "path", None, Some("C:\\temp")),
    ] {
        for list in [
            format!("{foreign},request_id=r-1,tenant=7"),
            format!("request_id=r-1,{foreign},tenant=7"),
            format!("request_id=r-1,tenant=7,{foreign}"),
        ] {
            let received = carrier(&list);
            assert_eq!(receive(&received), Ok(r1()), "{list:?}");
            assert_eq!(Baggage::extract(&received).get(key), ours, "{list:?}");
            // The reference: OpenTelemetry keeps the valid entries too.
            let otel = otel_extract(&received);
            assert_eq!(otel.get("request_id").map(String::as_str), Some("r-1"));
            assert_eq!(otel.get("tenant").map(String::as_str), Some("7"));
            assert_eq!(otel.get(key).map(String::as_str), theirs, "{list:?}");
        }
    }
}

#[test]
fn context_propagator_injects_trace_context_our_fields_and_opentelemetry_baggage() {
    let cx = remote_span().with_baggage([
        KeyValue::new("vendor", "acme"),
        KeyValue::new("tenant", "999"),
    ]);
    let headers = ctx("r-1", 7, None).sync_scope(|| inject_with(&composite(), &cx));
    assert_eq!(headers["traceparent"], traceparent());
    // Ours first, and ours win the clash over `tenant`.
    assert_eq!(headers[BAGGAGE], "request_id=r-1,tenant=7,vendor=acme");
    assert_eq!(
        otel_extract(&headers),
        map(&[("request_id", "r-1"), ("tenant", "7"), ("vendor", "acme")])
    );
}

#[test]
fn context_propagator_extracts_for_opentelemetry_and_for_us() {
    let headers = HashMap::from([
        ("traceparent".to_owned(), traceparent()),
        (
            BAGGAGE.to_owned(),
            "request_id=r-1,tenant=7,vendor=acme,bad=x y".to_owned(),
        ),
    ]);
    let cx = composite().extract(&headers);
    assert_eq!(
        otel_entries(&cx),
        map(&[("request_id", "r-1"), ("tenant", "7"), ("vendor", "acme")])
    );
    let span = cx.span().span_context().clone();
    assert_eq!(span.trace_id(), TraceId::from_hex(TRACE_ID).unwrap());
    assert!(span.is_remote());
    let baggage = cx.get::<Baggage>().expect("our baggage in the context");
    assert_eq!(baggage.dropped(), 1);
    let ctx = Ctx::from_baggage(baggage).expect("from_baggage").build();
    assert_eq!(fields(&ctx), r1());
}

#[test]
fn context_propagator_forwards_baggage_received_by_hand() {
    let headers =
        Baggage::parse("vendor=acme").sync_scope(|| inject_with(&composite(), &Context::new()));
    assert_eq!(headers, carrier("vendor=acme"));
}

#[test]
fn context_propagator_reads_and_writes_as_baggage_propagator_does() {
    let keys: Vec<String> = (0..TRICKY.len()).map(|i| format!("v{i}")).collect();
    let entries: Vec<_> = keys.iter().map(String::as_str).zip(TRICKY).collect();
    let cx = otel_cx(&entries);

    // Out: what we send for OpenTelemetry's baggage is read back exactly, backslashes included
    // (we percent-encode them), and is strict W3C baggage.
    let ours = inject_with(&ContextPropagator::new(), &cx);
    assert_eq!(otel_extract(&ours), map(&entries), "{ours:?}");
    assert!(Baggage::parse_strict(&ours[BAGGAGE]).is_ok(), "{ours:?}");

    // In: both propagators see the same entries.
    assert_eq!(
        otel_entries(&ContextPropagator::new().extract(&ours)),
        otel_extract(&ours)
    );
}

#[test]
fn a_full_list_still_carries_our_fields_to_opentelemetry() {
    let pads: Vec<String> = (0..81)
        .map(|i| format!("k{i:02}={}", "v".repeat(96)))
        .collect();
    let list = pads.join(",");
    assert_eq!(list.len(), 8180);
    assert_eq!(Baggage::parse(&list).len(), 81, "all received");

    let sent = ctx("r-1", 7, Some("n"));
    let mut into_received = carrier(&list);
    sent.inject(&mut into_received).expect("inject");
    let mut forwarded = HashMap::new();
    ctx("r-1", 7, Some("n"))
        .sync_scope(|| Baggage::parse(&list).sync_scope(|| inject_current(&mut forwarded)))
        .expect("inject_current");
    // ... and through `ContextPropagator`, which cannot report an error: it used to send no
    // baggage at all here.
    let mut propagated = HashMap::new();
    ctx("r-1", 7, Some("n")).sync_scope(|| {
        Baggage::parse(&list).sync_scope(|| {
            ContextPropagator::new().inject_context(&Context::new(), &mut propagated);
        });
    });

    // Ours first; the last received entry does not fit any more.
    let expected = format!("request_id=r-1,tenant=7,note=n,{}", pads[..80].join(","));
    for out in [into_received, forwarded, propagated] {
        assert_eq!(out[BAGGAGE], expected);
        assert!(out[BAGGAGE].len() <= Baggage::MAX_LEN);
        assert_eq!(receive(&out), Ok(fields(&sent)));
        // OpenTelemetry reads only the first 64 members: ours, and the first 61 others.
        let otel = otel_extract(&out);
        assert_eq!(otel.len(), 64, "{otel:?}");
        assert_eq!(otel["request_id"], "r-1");
        assert_eq!(otel["tenant"], "7");
        assert_eq!(otel["note"], "n");
        assert!(otel.contains_key("k60") && !otel.contains_key("k61"));
    }
}
