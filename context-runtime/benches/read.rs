//! Reading one field of the current context: the derived API against a raw `tokio::task_local!`
//! holding the same data and against an explicit parameter, in one run.
//!
//! `cargo bench -p context-runtime --bench read` prints criterion's figures for each variant,
//! then the paired ratios (timing budget: a getter read through `with` ≤ 1.2× the raw task-local
//! read). The raw task-local is measured holding the struct itself and holding an `Arc` of it (what
//! the derive stores, so that `current()` and spawns can share the value).
//!
//! The budget that decides, in instructions (repeatable where timings are not):
//! `N=1000000 benches/instructions.sh read 'derived_with/raw_task_local_arc<=1.05'`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use context_runtime::RequestContext;
use criterion::Criterion;

mod support;
use support::Ratio;

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
    static RAW_ARC: std::sync::Arc<Raw>;
}

fn raw() -> Raw {
    Raw {
        request_id: "r-1".into(),
        tenant: 7,
    }
}

fn ctx() -> RequestCtx {
    RequestCtx::builder()
        .request_id("r-1".into())
        .tenant(7)
        .build()
}

// Each read is a function of its own, not inlined, called from one shared loop: the shape of a
// read four layers down, and the same loop code for every variant (sub-nanosecond loops are
// otherwise at the mercy of code alignment, which moves results by a whole nanosecond).

#[inline(never)]
fn read_parameter(ctx: &Raw) -> u64 {
    ctx.tenant
}

#[inline(never)]
fn read_raw() -> u64 {
    RAW.with(|raw| raw.tenant)
}

#[inline(never)]
fn read_raw_arc() -> u64 {
    RAW_ARC.with(|raw| raw.tenant)
}

#[inline(never)]
fn read_with() -> u64 {
    RequestCtx::with(|c| *c.tenant())
}

#[inline(never)]
fn read_try_with() -> u64 {
    RequestCtx::try_with(|c| *c.tenant()).unwrap_or(0)
}

#[inline(never)]
fn read_current() -> u64 {
    *RequestCtx::current().tenant()
}

/// Times `iters` calls of `read`, inside whatever scope the caller set.
#[inline(never)]
fn reads(iters: u64, read: &dyn Fn() -> u64) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        black_box(read());
    }
    start.elapsed()
}

fn explicit_parameter(iters: u64) -> Duration {
    let raw = raw();
    reads(iters, &|| read_parameter(black_box(&raw)))
}

fn raw_task_local(iters: u64) -> Duration {
    RAW.sync_scope(raw(), || reads(iters, &read_raw))
}

fn raw_task_local_arc(iters: u64) -> Duration {
    RAW_ARC.sync_scope(std::sync::Arc::new(raw()), || reads(iters, &read_raw_arc))
}

fn derived_with(iters: u64) -> Duration {
    ctx().sync_scope(|| reads(iters, &read_with))
}

fn derived_try_with(iters: u64) -> Duration {
    ctx().sync_scope(|| reads(iters, &read_try_with))
}

fn derived_current(iters: u64) -> Duration {
    ctx().sync_scope(|| reads(iters, &read_current))
}

/// Runs a variant `iters` times and returns the time it took.
type Measure = fn(u64) -> Duration;

fn main() {
    let variants: [(&str, Measure); 6] = [
        ("explicit_parameter", explicit_parameter),
        ("raw_task_local", raw_task_local),
        ("raw_task_local_arc", raw_task_local_arc),
        ("derived_with", derived_with),
        ("derived_try_with", derived_try_with),
        ("derived_current", derived_current),
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
    let mut group = criterion.benchmark_group("read_field");
    for (name, variant) in variants {
        group.bench_function(name, |b| b.iter_custom(variant));
    }
    group.finish();
    criterion.final_summary();

    support::report(
        "read one field",
        &[
            Ratio {
                subject: ("derived_with", &derived_with),
                anchor: ("raw_task_local", &raw_task_local),
                budget: Some(1.2),
            },
            Ratio {
                subject: ("derived_try_with", &derived_try_with),
                anchor: ("raw_task_local", &raw_task_local),
                budget: Some(1.2),
            },
            Ratio {
                subject: ("raw_task_local_arc", &raw_task_local_arc),
                anchor: ("raw_task_local", &raw_task_local),
                budget: None,
            },
            Ratio {
                subject: ("derived_with", &derived_with),
                anchor: ("raw_task_local_arc", &raw_task_local_arc),
                budget: None,
            },
            Ratio {
                subject: ("derived_current", &derived_current),
                anchor: ("raw_task_local", &raw_task_local),
                budget: None,
            },
            Ratio {
                subject: ("raw_task_local", &raw_task_local),
                anchor: ("explicit_parameter", &explicit_parameter),
                budget: None,
            },
        ],
    );
}
