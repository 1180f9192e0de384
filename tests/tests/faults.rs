//! Faults: panicking requests (in the parent, in a child, inside `sync_scope`) and cancelled ones
//! (aborted tasks, `tokio::time::timeout`, the losing branch of `select!`, dropped `JoinSet`s),
//! interleaved with healthy requests on a multi-thread runtime. Afterwards no worker thread
//! carries a context, the healthy requests saw no other request's values, and no context value
//! is still alive (a drop counter in a field proves it).
//!
//! Size: `FAULT_REQUESTS` (default 20,000: 1,000 panicking and 10,000 cancelled among them, the
//! figures the suite must reach); `cargo test --release -p context-tests --test faults --
//! --nocapture` prints the figures.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use context_runtime::{RequestContext, with_context};

mod common;
use common::Live;

#[derive(RequestContext)]
struct RequestCtx {
    request_id: u64,
    #[allow(dead_code)] // only its drop matters
    live: Live,
}

#[derive(RequestContext)]
struct StepCtx {
    #[allow(dead_code)] // only its drop matters
    live: Live,
}

fn ctx(id: u64) -> RequestCtx {
    RequestCtx::builder()
        .request_id(id)
        .live(Live::new())
        .build()
}

static READS: AtomicU64 = AtomicU64::new(0);
static MISMATCHES: AtomicU64 = AtomicU64::new(0);
static PANICS: AtomicU64 = AtomicU64::new(0);
static CANCELLED: AtomicU64 = AtomicU64::new(0);

fn check(expected: u64) {
    READS.fetch_add(1, Ordering::Relaxed);
    if RequestCtx::try_with(|c| *c.request_id()) != Some(expected) {
        MISMATCHES.fetch_add(1, Ordering::Relaxed);
    }
}

const LONG: Duration = Duration::from_secs(3600);

/// One request; `kind` picks its fault. Returns normally unless it is the panicking kind.
#[with_context]
async fn request(id: u64, kind: u64) {
    check(id);
    tokio::task::yield_now().await;
    match kind {
        // Panics in the request itself.
        0 => {
            PANICS.fetch_add(1, Ordering::Relaxed);
            panic!("request {id} fails");
        }
        // A child panics; the request goes on.
        1 => {
            let child = tokio::spawn(async move {
                check(id);
                PANICS.fetch_add(1, Ordering::Relaxed);
                panic!("child of {id} fails");
            });
            assert!(child.await.expect_err("the child panicked").is_panic());
        }
        // A panic inside a nested `sync_scope`, caught; the request goes on.
        2 => {
            let step = StepCtx::builder().live(Live::new()).build();
            let caught = catch_unwind(AssertUnwindSafe(|| {
                step.sync_scope(|| {
                    PANICS.fetch_add(1, Ordering::Relaxed);
                    panic!("step of {id} fails");
                })
            }));
            assert!(caught.is_err());
            assert!(StepCtx::try_current().is_none());
        }
        // Timed out: the scoped work is dropped mid-flight.
        3 => {
            let slow = ctx(id + 1_000_000_000).scope(tokio::time::sleep(LONG));
            if tokio::time::timeout(Duration::from_micros(50), slow)
                .await
                .is_err()
            {
                CANCELLED.fetch_add(1, Ordering::Relaxed);
            }
        }
        // `select!`: the losing branch, scoped in another context, is dropped.
        4 => {
            let loser = ctx(id + 2_000_000_000).scope(tokio::time::sleep(LONG));
            tokio::select! {
                () = loser => unreachable!("an hour passed"),
                () = tokio::task::yield_now() => { CANCELLED.fetch_add(1, Ordering::Relaxed); }
            }
        }
        // A `JoinSet` of children dropped with its children pending: they are aborted.
        5 => {
            let mut set = tokio::task::JoinSet::new();
            for _ in 0..2 {
                set.spawn(async move {
                    check(id);
                    tokio::time::sleep(LONG).await;
                });
            }
            tokio::task::yield_now().await;
            CANCELLED.fetch_add(2, Ordering::Relaxed);
            drop(set);
        }
        _ => {}
    }
    tokio::task::yield_now().await;
    check(id);
}

/// Whether any worker thread still carries a context: one probe per worker, each held on a
/// barrier until all are running, so every worker runs exactly one.
async fn workers_carrying_a_context(workers: usize) -> usize {
    let barrier = Arc::new(Barrier::new(workers));
    let probes: Vec<_> = (0..workers)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait();
                (
                    std::thread::current().id(),
                    RequestCtx::try_current().is_some() || StepCtx::try_current().is_some(),
                )
            })
        })
        .collect();
    let mut threads = std::collections::HashSet::new();
    let mut carrying = 0;
    for probe in probes {
        let (thread, has_context) = probe.await.expect("probe");
        threads.insert(thread);
        carrying += usize::from(has_context);
    }
    assert_eq!(threads.len(), workers, "every worker was probed");
    carrying
}

#[test]
fn faults_leave_no_context_behind() {
    const WORKERS: usize = 4;
    let requests: u64 = std::env::var("FAULT_REQUESTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    // 1,000 panicking requests' messages and backtraces are not worth printing.
    std::panic::set_hook(Box::new(|_| {}));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .enable_all()
        .build()
        .expect("runtime");
    let carrying = runtime.block_on(async {
        let mut requests_set = tokio::task::JoinSet::new();
        let mut to_abort = Vec::new();
        for id in 0..requests {
            // Out of every 20: one of each panic (3 panics), one of each cancellation inside
            // (4 cancelled futures), 7 aborted from outside; the other 6 are healthy.
            let kind = id % 20;
            if (6..13).contains(&kind) {
                to_abort.push(tokio::spawn(ctx(id).scope(async move {
                    check(id);
                    tokio::time::sleep(LONG).await;
                })));
            } else {
                requests_set.spawn(ctx(id).scope(request(id, kind)));
            }
        }
        tokio::task::yield_now().await;
        for task in &to_abort {
            task.abort();
        }
        for task in to_abort {
            if task.await.expect_err("aborted").is_cancelled() {
                CANCELLED.fetch_add(1, Ordering::Relaxed);
            }
        }
        let mut panicked = 0;
        while let Some(done) = requests_set.join_next().await {
            if let Err(error) = done {
                assert!(error.is_panic(), "{error}");
                panicked += 1;
            }
        }
        assert_eq!(
            panicked,
            requests.div_ceil(20),
            "exactly the panicking kind failed"
        );
        workers_carrying_a_context(WORKERS).await
    });
    drop(runtime); // drops whatever the runtime still holds (aborted children of dropped sets)
    let _ = std::panic::take_hook();

    let (reads, mismatches) = (
        READS.load(Ordering::Relaxed),
        MISMATCHES.load(Ordering::Relaxed),
    );
    let (panics, cancelled) = (
        PANICS.load(Ordering::Relaxed),
        CANCELLED.load(Ordering::Relaxed),
    );
    let live = Live::count();
    println!(
        "faults: {requests} requests, {panics} panics, {cancelled} cancellations, {reads} reads checked, \
         {mismatches} mismatches, {carrying} workers carrying a context, {live} context values alive"
    );
    assert_eq!(mismatches, 0);
    assert_eq!(carrying, 0);
    assert_eq!(live, 0, "every context value was dropped");
    if requests >= 20_000 {
        assert!(
            panics >= 1_000 && cancelled >= 10_000,
            "the suite reached its fault counts"
        );
    }
}
