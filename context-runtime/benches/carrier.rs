//! What carrying a context across a process boundary costs, per message: `inject` into HTTP
//! headers and `extract` back, against code written by hand for the same two fields (formatting
//! the header without percent-encoding, splitting it without limits or error reporting), and
//! against OpenTelemetry's own `BaggagePropagator` carrying the same two entries in a map.
//!
//! `cargo bench -p context-runtime --bench carrier`. No budget is set for carriers: the ratios
//! are for reference, and show what the spec's encoding, the limits and the typed errors cost.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use context_runtime::{RequestContext, RequestId};
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
    let map = received_map();
    let start = Instant::now();
    for _ in 0..iters {
        let ctx = Ctx::extract(black_box(&map))
            .expect("ours")
            .token(String::new())
            .build();
        black_box(ctx);
    }
    start.elapsed()
}

/// The same two fields read from OpenTelemetry's extracted baggage, into the same context.
fn otel_extract_map(iters: u64) -> Duration {
    let map = received_map();
    let propagator = BaggagePropagator::new();
    let start = Instant::now();
    for _ in 0..iters {
        let cx = propagator.extract_with_context(&opentelemetry::Context::new(), black_box(&map));
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

/// Runs a variant `iters` times and returns the time it took.
type Measure = fn(u64) -> Duration;

fn main() {
    let variants: [(&str, Measure); 9] = [
        ("hand_inject", hand_inject),
        ("inject", inject),
        ("inject_current", inject_current),
        ("hand_extract", hand_extract),
        ("extract", extract),
        ("inject_map", inject_map),
        ("otel_inject_map", otel_inject_map),
        ("extract_map", extract_map),
        ("otel_extract_map", otel_extract_map),
    ];
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
        ],
    );
}
