//! Spawning a child that reads the context: `#[with_context]` against propagation written by hand
//! (`current()` + `scope`) and against a plain `tokio::spawn` (whose child sees nothing), in one
//! run, on a current-thread runtime. Then a child that yields 1,000 times, where the cost of
//! entering the context on every poll shows.
//!
//! `cargo bench -p context-runtime --bench spawn` prints criterion's figures, then the ratios.
//! Budgets: spawn + await ≤ 1.05× hand-written and ≤ 1.10× plain; yielding child ≤ 1.05×
//! hand-written.

use std::hint::black_box;
use std::time::{Duration, Instant};

use context_runtime::{RequestContext, Snapshot, with_context};
use criterion::Criterion;
use tokio::runtime::Runtime;

mod support;
use support::Ratio;

#[derive(RequestContext)]
struct RequestCtx {
    #[allow(dead_code)] // gives the context a realistic shape; only `tenant` is read
    request_id: String,
    tenant: u64,
}

const YIELDS: usize = 1_000;

fn read() -> u64 {
    RequestCtx::try_with(|c| *c.tenant()).unwrap_or(0)
}

async fn yielding_child() -> u64 {
    let mut sum = 0;
    for _ in 0..YIELDS {
        tokio::task::yield_now().await;
        sum += read();
    }
    sum
}

async fn plain(yielding: bool) -> u64 {
    if yielding {
        tokio::spawn(yielding_child()).await.unwrap()
    } else {
        tokio::spawn(async { read() }).await.unwrap()
    }
}

async fn hand_written(yielding: bool) -> u64 {
    let ctx = RequestCtx::current();
    if yielding {
        tokio::spawn(ctx.scope(yielding_child())).await.unwrap()
    } else {
        tokio::spawn(ctx.scope(async { read() })).await.unwrap()
    }
}

#[with_context]
async fn with_context_all(yielding: bool) -> u64 {
    if yielding {
        tokio::spawn(yielding_child()).await.unwrap()
    } else {
        tokio::spawn(async { read() }).await.unwrap()
    }
}

#[with_context(RequestCtx)]
async fn with_context_named(yielding: bool) -> u64 {
    if yielding {
        tokio::spawn(yielding_child()).await.unwrap()
    } else {
        tokio::spawn(async { read() }).await.unwrap()
    }
}

/// Runs `iters` spawns inside one request scope and returns the time they took.
fn timed<F: Future<Output = u64>>(iters: u64, spawn: impl Fn() -> F) -> Duration {
    thread_local! {
        static RUNTIME: Runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    }
    let ctx = RequestCtx::builder()
        .request_id("r-1".into())
        .tenant(7)
        .build();
    RUNTIME.with(|runtime| {
        runtime.block_on(ctx.scope(async {
            let start = Instant::now();
            for _ in 0..iters {
                black_box(spawn().await);
            }
            start.elapsed()
        }))
    })
}

/// The variants of one group: spawn a child that reads once, or one that yields 1,000 times.
struct Variants {
    plain: Box<dyn Fn(u64) -> Duration>,
    hand_written: Box<dyn Fn(u64) -> Duration>,
    with_context: Box<dyn Fn(u64) -> Duration>,
    with_context_named: Box<dyn Fn(u64) -> Duration>,
}

fn variants(yielding: bool) -> Variants {
    Variants {
        plain: Box::new(move |iters| timed(iters, || plain(yielding))),
        hand_written: Box::new(move |iters| timed(iters, || hand_written(yielding))),
        with_context: Box::new(move |iters| timed(iters, || with_context_all(yielding))),
        with_context_named: Box::new(move |iters| timed(iters, || with_context_named(yielding))),
    }
}

fn group(criterion: &mut Criterion, name: &str, yielding: bool) {
    let variants = variants(yielding);
    let mut group = criterion.benchmark_group(name);
    if yielding {
        group.sample_size(30);
    }
    group.bench_function("plain_tokio_spawn", |b| b.iter_custom(&variants.plain));
    group.bench_function("hand_written", |b| b.iter_custom(&variants.hand_written));
    group.bench_function("with_context", |b| b.iter_custom(&variants.with_context));
    group.bench_function("with_context_named", |b| {
        b.iter_custom(&variants.with_context_named);
    });
    group.finish();
}

/// What taking the context at a spawn call costs, without the spawn: one `current()` (what a
/// hand-written propagation does) against a snapshot of every context type.
fn captures<T>(iters: u64, capture: impl Fn() -> T) -> Duration {
    let ctx = RequestCtx::builder()
        .request_id("r-1".into())
        .tenant(7)
        .build();
    ctx.sync_scope(|| {
        let start = Instant::now();
        for _ in 0..iters {
            black_box(capture());
        }
        start.elapsed()
    })
}

fn capture_current(iters: u64) -> Duration {
    captures(iters, RequestCtx::current)
}

fn capture_snapshot(iters: u64) -> Duration {
    captures(iters, Snapshot::capture)
}

/// `--count <variant> <iterations>`: that many spawns (or captures) of one variant, no timing,
/// for an instruction count (`benches/instructions.sh spawn ...`); the variants are
/// `<name>` for a child that reads once and `<name>_yield` for one that yields 1,000 times, with
/// `<name>` one of `plain_tokio_spawn`, `hand_written`, `with_context`, `with_context_named`;
/// and `capture_current`, `capture_snapshot`.
fn count(name: &str, iters: u64) {
    let (base, yielding) = match name.strip_suffix("_yield") {
        Some(base) => (base, true),
        None => (name, false),
    };
    let v = variants(yielding);
    let variant: &dyn Fn(u64) -> Duration = match base {
        "plain_tokio_spawn" => &v.plain,
        "hand_written" => &v.hand_written,
        "with_context" => &v.with_context,
        "with_context_named" => &v.with_context_named,
        "capture_current" => &capture_current,
        "capture_snapshot" => &capture_snapshot,
        _ => panic!("no variant `{name}` in this benchmark"),
    };
    // Warm-up as in the other benches: the runtime built, first-time work done, as many for 0
    // counted operations as for N.
    black_box(variant(1_000));
    black_box(variant(iters));
}

fn main() {
    if let Some((name, iters)) = support::count_args() {
        count(&name, iters);
        return;
    }
    // Every child must see the context, or the comparison is meaningless.
    let value = |spawn: fn(bool) -> std::pin::Pin<Box<dyn Future<Output = u64>>>| {
        let ctx = RequestCtx::builder()
            .request_id("r-1".into())
            .tenant(7)
            .build();
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(ctx.scope(spawn(false)))
    };
    assert_eq!(value(|y| Box::pin(hand_written(y))), 7);
    assert_eq!(value(|y| Box::pin(with_context_all(y))), 7);
    assert_eq!(value(|y| Box::pin(with_context_named(y))), 7);
    assert_eq!(
        value(|y| Box::pin(plain(y))),
        0,
        "a plain spawn loses the context"
    );

    let mut criterion = Criterion::default().configure_from_args();
    let mut capture = criterion.benchmark_group("capture");
    capture.bench_function("current", |b| b.iter_custom(capture_current));
    capture.bench_function("snapshot", |b| b.iter_custom(capture_snapshot));
    capture.finish();
    group(&mut criterion, "spawn_await", false);
    group(&mut criterion, "spawn_yield_1000", true);
    criterion.final_summary();

    support::report(
        "capture at a spawn call",
        &[Ratio {
            subject: ("snapshot", &capture_snapshot),
            anchor: ("current", &capture_current),
            budget: None,
        }],
    );
    for (title, yielding) in [
        ("spawn + await", false),
        ("spawn + await, child yields 1,000 times", true),
    ] {
        let v = variants(yielding);
        support::report(
            title,
            &[
                Ratio {
                    subject: ("with_context", &v.with_context),
                    anchor: ("hand_written", &v.hand_written),
                    budget: Some(1.05),
                },
                Ratio {
                    subject: ("with_context_named", &v.with_context_named),
                    anchor: ("hand_written", &v.hand_written),
                    budget: Some(1.05),
                },
                Ratio {
                    subject: ("with_context", &v.with_context),
                    anchor: ("plain_tokio_spawn", &v.plain),
                    budget: (!yielding).then_some(1.10),
                },
                Ratio {
                    subject: ("hand_written", &v.hand_written),
                    anchor: ("plain_tokio_spawn", &v.plain),
                    budget: None,
                },
            ],
        );
    }
}
