//! What a log line carrying the request costs: one `tracing` event with two context fields
//! (`request_id`, a 36-byte string; `tenant`, a `u64`), formatted by `tracing-subscriber` into a
//! sink, against the same line written by hand (the fields passed to `info!` at the call site),
//! and against the span-based way (the fields on an entered span), in JSON and in text.
//!
//! `cargo bench -p context-runtime --bench log_line` prints criterion's figures for each
//! variant, then the paired ratios and their budgets. `benches/instructions.sh log_line
//! <variant>... 'a/b<=B'` counts instructions per line under cachegrind (deterministic, where
//! timings on a shared machine are not), through this binary's `--count <variant> <iterations>`
//! mode, and checks the same budgets. `--show` prints one line of each variant.

use std::hint::black_box;
use std::time::{Duration, Instant};

use context_runtime::{LogContext, RequestContext};
use criterion::Criterion;
use tracing::Dispatch;
use tracing_subscriber::fmt::format::{self, Format, Full, Json};

mod support;
use support::Ratio;

#[derive(RequestContext)]
struct RequestCtx {
    #[context(log)]
    request_id: String,
    #[context(log)]
    tenant: u64,
}

const REQUEST_ID: &str = "01a21bf4-7052-7454-9715-b18a3d22094d";
const TENANT: u64 = 7;

/// The JSON format every JSON variant uses: flat event fields, no timestamp (a clock read would
/// dominate the count and vary between runs).
fn json() -> Format<Json, ()> {
    format::format().json().flatten_event(true).without_time()
}

/// The text format every text variant uses: no timestamp, no colors.
fn text() -> Format<Full, ()> {
    format::format().without_time().with_ansi(false)
}

/// Where the lines go: a sink, or standard output (`--show`).
type Out = fn() -> Box<dyn std::io::Write>;

/// A subscriber writing `format`'s lines to `out`.
fn dispatch<E>(format: E, out: Out) -> Dispatch
where
    E: tracing_subscriber::fmt::FormatEvent<tracing_subscriber::Registry, format::DefaultFields>
        + Send
        + Sync
        + 'static,
{
    Dispatch::new(
        tracing_subscriber::fmt()
            .with_writer(out)
            .event_format(format)
            .finish(),
    )
}

/// A JSON subscriber whose span fields go on the line: the current span only, or every span.
fn json_spans(current_span_only: bool, out: Out) -> Dispatch {
    let format = format::format()
        .json()
        .flatten_event(true)
        .without_time()
        .with_current_span(true)
        .with_span_list(!current_span_only);
    Dispatch::new(
        tracing_subscriber::fmt()
            .json()
            .with_writer(out)
            .event_format(format)
            .finish(),
    )
}

/// How a variant emits its lines.
#[derive(Clone, Copy)]
enum Emit {
    /// `info!(request_id, tenant, ..)`: the fields written at the call site, no context.
    ByHand,
    /// `info!(..)` inside the context: the fields come from it.
    InContext,
    /// `info!(..)` outside any context.
    Bare,
    /// `info!(..)` inside an entered span holding the fields.
    InSpan,
}

/// `iters` events through `dispatch`, as `emit` says.
fn run(dispatch: &Dispatch, emit: Emit, iters: u64) -> Duration {
    tracing::dispatcher::with_default(dispatch, || match emit {
        Emit::ByHand => {
            let start = Instant::now();
            for order in 0..iters {
                tracing::info!(
                    request_id = REQUEST_ID,
                    tenant = TENANT,
                    order,
                    "order read"
                );
            }
            start.elapsed()
        }
        Emit::Bare => {
            let start = Instant::now();
            for order in 0..iters {
                tracing::info!(order, "order read");
            }
            start.elapsed()
        }
        Emit::InContext => RequestCtx::builder()
            .request_id(REQUEST_ID.to_owned())
            .tenant(TENANT)
            .build()
            .sync_scope(|| {
                let start = Instant::now();
                for order in 0..iters {
                    tracing::info!(order, "order read");
                }
                start.elapsed()
            }),
        Emit::InSpan => {
            let span = tracing::info_span!("request", request_id = REQUEST_ID, tenant = TENANT);
            let _entered = span.enter();
            let start = Instant::now();
            for order in 0..iters {
                tracing::info!(order, "order read");
            }
            start.elapsed()
        }
    })
}

type Variant = (&'static str, Box<dyn Fn(u64) -> Duration>);

fn variant(name: &'static str, dispatch: Dispatch, emit: Emit) -> Variant {
    (
        name,
        Box::new(move |iters| black_box(run(&dispatch, emit, iters))),
    )
}

fn variants(out: Out) -> Vec<Variant> {
    vec![
        variant("json_by_hand", dispatch(json(), out), Emit::ByHand),
        variant(
            "json_library",
            dispatch(LogContext::json(json()), out),
            Emit::InContext,
        ),
        variant("json_span", json_spans(false, out), Emit::InSpan),
        variant("json_current_span", json_spans(true, out), Emit::InSpan),
        variant(
            "json_library_no_context",
            dispatch(LogContext::json(json()), out),
            Emit::Bare,
        ),
        variant("json_bare", dispatch(json(), out), Emit::Bare),
        variant("text_by_hand", dispatch(text(), out), Emit::ByHand),
        variant(
            "text_library",
            dispatch(LogContext::text(text()), out),
            Emit::InContext,
        ),
        variant(
            "text_library_no_context",
            dispatch(LogContext::text(text()), out),
            Emit::Bare,
        ),
        variant("text_bare", dispatch(text(), out), Emit::Bare),
    ]
}

/// Lines written before the counted ones, in `--count` mode, as many for 0 counted lines as for N.
const WARM_UP: u64 = 1_000;

fn main() {
    // `--show`: one line of each variant on standard output, to see that they say the same.
    if std::env::args().any(|arg| arg == "--show") {
        for (name, variant) in variants(|| Box::new(std::io::stdout())) {
            print!("{name:<24} ");
            variant(1);
        }
        return;
    }
    let variants = variants(|| Box::new(std::io::sink()));
    let find = |name: &str| {
        variants
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, variant)| &**variant)
            .expect("a variant of this benchmark")
    };
    if let Some((name, iters)) = support::count_args() {
        let variant = find(&name);
        black_box(variant(WARM_UP));
        black_box(variant(iters));
        return;
    }

    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("log_line");
    for (name, variant) in &variants {
        group.bench_function(*name, |b| b.iter_custom(variant));
    }
    group.finish();
    criterion.final_summary();

    let ratio = |subject: &'static str, anchor: &'static str, budget: Option<f64>| Ratio {
        subject: (subject, find(subject)),
        anchor: (anchor, find(anchor)),
        budget,
    };
    support::report(
        "one log line with two context fields, time per line",
        &[
            ratio("json_library", "json_by_hand", Some(1.10)),
            ratio("json_span", "json_by_hand", None),
            ratio("json_current_span", "json_by_hand", None),
            ratio("json_library_no_context", "json_bare", Some(1.02)),
            ratio("text_library", "text_by_hand", Some(1.05)),
            ratio("text_library_no_context", "text_bare", Some(1.05)),
        ],
    );
}
