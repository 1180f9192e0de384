//! What carrying a context across a process boundary costs, per message: `inject` into HTTP
//! headers and `extract` back, against code written by hand for the same two fields (formatting
//! the header without percent-encoding, splitting it without limits or error reporting), and
//! against OpenTelemetry's own `BaggagePropagator` carrying the same two entries in a map.
//!
//! The same against OpenTelemetry with eight entries of other producers received beside the two
//! fields: reading the fields among them, and forwarding them (`inject_current` inside the
//! received baggage's scope, OpenTelemetry's propagator injecting all ten).
//!
//! Signed (feature `signing`): `inject_current` signed with `SigningKeys` against unsigned, and
//! `verify` then `from_baggage` against `extract`, for the same two fields: the cost of a signed
//! hop, each way.
//!
//! `cargo bench -p context-runtime --bench carrier`. No budget is set for carriers: the ratios
//! are for reference, and show what the spec's encoding, the limits and the typed errors cost.
//! `benches/instructions.sh carrier` counts instructions per operation under cachegrind
//! (deterministic, where timings on a shared machine are not), through this binary's
//! `--count <variant> <iterations>` mode.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use context_runtime::{Baggage, RequestContext, RequestId, SigningKeys};
use criterion::Criterion;
use http::{HeaderMap, HeaderValue};
use opentelemetry::KeyValue;
use opentelemetry::baggage::BaggageExt;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry_sdk::propagation::BaggagePropagator;

mod support;
use support::Ratio;

#[derive(RequestContext)]
struct Ctx {
    #[context(propagate)]
    request_id: RequestId,
    #[context(propagate)]
    tenant: u64,
    #[context(sensitive)]
    token: String,
}

const ID: &str = "0192a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b";
const HEADER: &str = "request_id=0192a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b,tenant=42";

fn ctx() -> Ctx {
    Ctx::builder()
        .request_id(ID.parse().expect("an id"))
        .tenant(42)
        .token(String::from("s3cr3t"))
        .build()
}

/// Eight entries of other producers, received beside the two fields.
const OTHERS: [(&str, &str); 8] = [
    ("vendor", "acme"),
    ("region", "eu-west-1"),
    ("env", "prod"),
    ("client", "web-2.3.1"),
    ("session", "7f3a9c21"),
    ("feature", "checkout-v2"),
    ("locale", "en-GB"),
    ("shard", "17"),
];

/// The two fields and the eight others, as one `baggage` header.
fn header10() -> String {
    OTHERS
        .iter()
        .fold(HEADER.to_owned(), |header, (key, value)| {
            format!("{header},{key}={value}")
        })
}

fn received() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("baggage", HeaderValue::from_static(HEADER));
    headers
}

fn hand_inject(iters: u64) -> Duration {
    let ctx = ctx();
    let start = Instant::now();
    for _ in 0..iters {
        let mut headers = HeaderMap::new();
        let value = format!("request_id={},tenant={}", ctx.request_id(), ctx.tenant());
        headers.insert("baggage", HeaderValue::try_from(value).expect("a header"));
        black_box(headers);
    }
    start.elapsed()
}

fn inject(iters: u64) -> Duration {
    let ctx = ctx();
    let start = Instant::now();
    for _ in 0..iters {
        let mut headers = HeaderMap::new();
        black_box(&ctx).inject(&mut headers).expect("fits");
        black_box(headers);
    }
    start.elapsed()
}

fn inject_current(iters: u64) -> Duration {
    ctx().sync_scope(|| {
        let start = Instant::now();
        for _ in 0..iters {
            let mut headers = HeaderMap::new();
            context_runtime::inject_current(&mut headers).expect("fits");
            black_box(headers);
        }
        start.elapsed()
    })
}

fn hand_extract(iters: u64) -> Duration {
    let headers = received();
    let start = Instant::now();
    for _ in 0..iters {
        let list = black_box(&headers)["baggage"].to_str().expect("ascii");
        let (mut id, mut tenant) = (None, None);
        for entry in list.split(',') {
            match entry.split_once('=') {
                Some(("request_id", value)) => id = RequestId::parse(value.as_bytes()),
                Some(("tenant", value)) => tenant = value.parse::<u64>().ok(),
                _ => {}
            }
        }
        let ctx = Ctx::builder()
            .request_id(id.expect("an id"))
            .tenant(tenant.expect("a tenant"))
            .token(String::new())
            .build();
        black_box(ctx);
    }
    start.elapsed()
}

fn extract(iters: u64) -> Duration {
    let headers = received();
    let start = Instant::now();
    for _ in 0..iters {
        let ctx = Ctx::extract(black_box(&headers))
            .expect("ours")
            .token(String::new())
            .build();
        black_box(ctx);
    }
    start.elapsed()
}

fn received_map() -> HashMap<String, String> {
    HashMap::from([("baggage".to_owned(), HEADER.to_owned())])
}

fn inject_map(iters: u64) -> Duration {
    let ctx = ctx();
    let start = Instant::now();
    for _ in 0..iters {
        let mut map = HashMap::new();
        black_box(&ctx).inject(&mut map).expect("fits");
        black_box(map);
    }
    start.elapsed()
}

/// OpenTelemetry's baggage lives in its context already: only the propagation is timed.
fn otel_inject_map(iters: u64) -> Duration {
    let cx = opentelemetry::Context::new()
        .with_baggage([KeyValue::new("request_id", ID), KeyValue::new("tenant", 42)]);
    let propagator = BaggagePropagator::new();
    let start = Instant::now();
    for _ in 0..iters {
        let mut map = HashMap::new();
        propagator.inject_context(black_box(&cx), &mut map);
        black_box(map);
    }
    start.elapsed()
}

fn extract_map(iters: u64) -> Duration {
    extract_from(&received_map(), iters)
}

/// `Ctx::extract` from `map`, into the context.
fn extract_from(map: &HashMap<String, String>, iters: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        let ctx = Ctx::extract(black_box(map))
            .expect("ours")
            .token(String::new())
            .build();
        black_box(ctx);
    }
    start.elapsed()
}

/// The same two fields read from OpenTelemetry's extracted baggage, into the same context.
fn otel_extract_map(iters: u64) -> Duration {
    otel_extract_from(&received_map(), iters)
}

/// OpenTelemetry's propagator reading `map`'s baggage, then the two parses into the context.
fn otel_extract_from(map: &HashMap<String, String>, iters: u64) -> Duration {
    let propagator = BaggagePropagator::new();
    let start = Instant::now();
    for _ in 0..iters {
        let cx = propagator.extract_with_context(&opentelemetry::Context::new(), black_box(map));
        let baggage = cx.baggage();
        let id = baggage
            .get("request_id")
            .map(|v| v.as_str().parse::<RequestId>());
        let tenant = baggage.get("tenant").map(|v| v.as_str().parse::<u64>());
        let ctx = Ctx::builder()
            .request_id(id.expect("an id").expect("valid"))
            .tenant(tenant.expect("a tenant").expect("valid"))
            .token(String::new())
            .build();
        black_box(ctx);
    }
    start.elapsed()
}

fn extract_map10(iters: u64) -> Duration {
    extract_from(&HashMap::from([("baggage".to_owned(), header10())]), iters)
}

/// OpenTelemetry's propagator reading all ten entries, then the same two parses.
fn otel_extract_map10(iters: u64) -> Duration {
    otel_extract_from(&HashMap::from([("baggage".to_owned(), header10())]), iters)
}

/// The two fields and the eight received entries sent on: `inject_current` inside the context
/// and the received baggage (both entered once, as a request is).
fn forward_map10(iters: u64) -> Duration {
    let received = Baggage::parse(&header10());
    ctx().sync_scope(|| {
        received.sync_scope(|| {
            let start = Instant::now();
            for _ in 0..iters {
                let mut map = HashMap::new();
                context_runtime::inject_current(&mut map).expect("fits");
                black_box(map);
            }
            start.elapsed()
        })
    })
}

/// OpenTelemetry's propagator injecting the same ten entries from its context.
fn otel_inject_map10(iters: u64) -> Duration {
    let mut entries = vec![KeyValue::new("request_id", ID), KeyValue::new("tenant", 42)];
    entries.extend(
        OTHERS
            .iter()
            .map(|(key, value)| KeyValue::new(*key, *value)),
    );
    let cx = opentelemetry::Context::new().with_baggage(entries);
    let propagator = BaggagePropagator::new();
    let start = Instant::now();
    for _ in 0..iters {
        let mut map = HashMap::new();
        propagator.inject_context(black_box(&cx), &mut map);
        black_box(map);
    }
    start.elapsed()
}

/// The key both ends of a signed hop share.
fn keys() -> SigningKeys {
    SigningKeys::new("2025-06", [6_u8; 32]).expect("a valid key")
}

/// `inject_current`, signed: the two fields and their HMAC-SHA256 entry.
fn inject_signed(iters: u64) -> Duration {
    let keys = keys();
    ctx().sync_scope(|| {
        let start = Instant::now();
        for _ in 0..iters {
            let mut headers = HeaderMap::new();
            black_box(&keys).inject_current(&mut headers).expect("fits");
            black_box(headers);
        }
        start.elapsed()
    })
}

/// `extract` behind a signed hop: `verify` (parse, check the MAC, keep the covered entries),
/// then `from_baggage`.
fn verify_extract(iters: u64) -> Duration {
    let keys = keys();
    let mut headers = HeaderMap::new();
    ctx().sync_scope(|| keys.inject_current(&mut headers).expect("fits"));
    let start = Instant::now();
    for _ in 0..iters {
        let signed = black_box(&keys)
            .verify(black_box(&headers))
            .expect("signed by us");
        let ctx = Ctx::from_baggage(&signed)
            .expect("ours")
            .token(String::new())
            .build();
        black_box(ctx);
    }
    start.elapsed()
}

/// Runs a variant `iters` times and returns the time it took.
type Measure = fn(u64) -> Duration;

fn main() {
    let variants: [(&str, Measure); 15] = [
        ("hand_inject", hand_inject),
        ("inject", inject),
        ("inject_current", inject_current),
        ("hand_extract", hand_extract),
        ("extract", extract),
        ("inject_map", inject_map),
        ("otel_inject_map", otel_inject_map),
        ("extract_map", extract_map),
        ("otel_extract_map", otel_extract_map),
        ("extract_map10", extract_map10),
        ("otel_extract_map10", otel_extract_map10),
        ("forward_map10", forward_map10),
        ("otel_inject_map10", otel_inject_map10),
        ("inject_signed", inject_signed),
        ("verify_extract", verify_extract),
    ];
    // `--count <variant> <iterations>`: for an instruction count (`benches/instructions.sh`).
    if let Some((name, iters)) = support::count_args() {
        let (_, variant) = variants
            .iter()
            .find(|(known, _)| *known == name)
            .expect("a variant of this benchmark");
        black_box(variant(iters));
        return;
    }
    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("carrier");
    for (name, variant) in variants {
        group.bench_function(name, |b| b.iter_custom(variant));
    }
    group.finish();
    criterion.final_summary();

    support::report(
        "carry two fields in HTTP headers",
        &[
            Ratio {
                subject: ("inject", &inject),
                anchor: ("hand_inject", &hand_inject),
                budget: None,
            },
            Ratio {
                subject: ("inject_current", &inject_current),
                anchor: ("hand_inject", &hand_inject),
                budget: None,
            },
            Ratio {
                subject: ("extract", &extract),
                anchor: ("hand_extract", &hand_extract),
                budget: None,
            },
            Ratio {
                subject: ("inject_map", &inject_map),
                anchor: ("otel_inject_map", &otel_inject_map),
                budget: None,
            },
            Ratio {
                subject: ("extract_map", &extract_map),
                anchor: ("otel_extract_map", &otel_extract_map),
                budget: None,
            },
            Ratio {
                subject: ("extract_map10", &extract_map10),
                anchor: ("otel_extract_map10", &otel_extract_map10),
                budget: None,
            },
            Ratio {
                subject: ("forward_map10", &forward_map10),
                anchor: ("otel_inject_map10", &otel_inject_map10),
                budget: None,
            },
        ],
    );
    support::report(
        "sign and verify two fields per hop (feature `signing`)",
        &[
            Ratio {
                subject: ("inject_signed", &inject_signed),
                anchor: ("inject_current", &inject_current),
                budget: None,
            },
            Ratio {
                subject: ("verify_extract", &verify_extract),
                anchor: ("extract", &extract),
                budget: None,
            },
        ],
    );
}
