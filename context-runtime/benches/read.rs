//! Reading one field of the current context: the derived API against a raw `tokio::task_local!`
//! holding the same data and against an explicit parameter, in one run.
//!
//! `cargo bench -p context-runtime --bench read` prints criterion's figures, then the ratios.
//! Budget: a getter read through `with` ≤ 1.2× the raw task-local read.

use std::hint::black_box;
use std::time::SystemTime;

use context_runtime::RequestContext;

mod support;
use support::Ratio;

const GROUP: &str = "read_field";

#[derive(RequestContext)]
struct RequestCtx {
    #[allow(dead_code)] // gives the context a realistic shape; only `tenant` is read
    request_id: String,
    tenant: u64,
}

/// The same data, in a task-local written by hand.
struct Raw {
    #[allow(dead_code)] // same shape as `RequestCtx`; only `tenant` is read
    request_id: String,
    tenant: u64,
}

tokio::task_local! {
    static RAW: Raw;
}

#[inline(never)]
fn explicit_parameter(ctx: &Raw) -> u64 {
    ctx.tenant
}

fn main() {
    let run_started = SystemTime::now();
    let mut criterion = support::criterion();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let mut group = criterion.benchmark_group(GROUP);

    group.bench_function("explicit_parameter", |b| {
        let raw = Raw {
            request_id: "r-1".into(),
            tenant: 7,
        };
        b.iter(|| explicit_parameter(black_box(&raw)));
    });
    group.bench_function("raw_task_local", |b| {
        let raw = Raw {
            request_id: "r-1".into(),
            tenant: 7,
        };
        runtime.block_on(RAW.scope(raw, async {
            b.iter(|| RAW.with(|raw| black_box(raw.tenant)));
        }));
    });
    group.bench_function("derived_with", |b| {
        let ctx = RequestCtx::builder()
            .request_id("r-1".into())
            .tenant(7)
            .build();
        runtime
            .block_on(ctx.scope(async { b.iter(|| RequestCtx::with(|c| black_box(*c.tenant()))) }));
    });
    group.bench_function("derived_try_with", |b| {
        let ctx = RequestCtx::builder()
            .request_id("r-1".into())
            .tenant(7)
            .build();
        runtime.block_on(
            ctx.scope(async { b.iter(|| RequestCtx::try_with(|c| black_box(*c.tenant()))) }),
        );
    });
    group.bench_function("derived_current", |b| {
        let ctx = RequestCtx::builder()
            .request_id("r-1".into())
            .tenant(7)
            .build();
        runtime.block_on(ctx.scope(async { b.iter(|| *RequestCtx::current().tenant()) }));
    });
    group.finish();
    criterion.final_summary();

    support::report(
        GROUP,
        &[
            Ratio {
                subject: "derived_with",
                anchor: "raw_task_local",
                budget: Some(1.2),
            },
            Ratio {
                subject: "derived_try_with",
                anchor: "raw_task_local",
                budget: Some(1.2),
            },
            Ratio {
                subject: "derived_current",
                anchor: "raw_task_local",
                budget: None,
            },
            Ratio {
                subject: "raw_task_local",
                anchor: "explicit_parameter",
                budget: None,
            },
        ],
        run_started,
    );
}
