//! Faults: panicking requests (in the parent, in a child, inside `sync_scope`) and cancelled ones
//! (aborted tasks, `tokio::time::timeout`, the losing branch of `select!`, dropped `JoinSet`s),
//! interleaved with healthy requests on a multi-thread runtime. Afterwards no worker thread
//! carries a context, the healthy requests saw no other request's values, and no context value
//! is still alive (a drop counter in a field proves it).
//!
//! Every injected panic and every cancellation is counted where it is observed (a caught unwind, a
//! `JoinError`, a guard in the cancelled future dropped unfinished) and the counts must equal the
//! faults injected, exactly.
//!
//! Size: `FAULT_REQUESTS` (default 20,000: 3,000 panics and 11,000 cancellations among them);
//! `cargo test --release -p context-tests --test faults -- --nocapture` prints the figures.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use context_runtime::{RequestContext, with_context};

mod common;
use common::{ExpectedPanics, Live};

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
/// Panics counted where they are observed: a caught unwind, a child's `JoinError`, a request's.
static PANICS: AtomicU64 = AtomicU64::new(0);
/// Cancellations counted where they are observed: by a `Cancellation` guard dropped unfinished.
static CANCELLED: AtomicU64 = AtomicU64::new(0);

fn check(expected: u64) {
    READS.fetch_add(1, Ordering::Relaxed);
    if RequestCtx::try_with(|c| *c.request_id()) != Some(expected) {
        MISMATCHES.fetch_add(1, Ordering::Relaxed);
    }
}

const LONG: Duration = Duration::from_hours(1);

/// Every injected panic's message starts with this, so the panic hook silences those and only
/// those: a failed assertion still prints.
const INJECTED: &str = "[injected fault]";

/// How long the suite waits for any one task before it fails instead of hanging.
const STALL: Duration = Duration::from_secs(30);

/// Moved into a future that is meant to be cancelled: dropped before `finished`, it counts one
/// cancellation, so a cancellation is counted only when the future really was dropped mid-flight.
struct Cancellation {
    finished: bool,
}

impl Cancellation {
    fn armed() -> Self {
        Self { finished: false }
    }

    fn finished(mut self) {
        self.finished = true;
    }
}

impl Drop for Cancellation {
    fn drop(&mut self) {
        if !self.finished {
            CANCELLED.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Work that sleeps an hour; dropped before then, its guard counts a cancellation.
async fn sleep_an_hour(guard: Cancellation) {
    tokio::time::sleep(LONG).await;
    guard.finished();
}

/// One request; `kind` picks its fault. Returns normally unless it is the panicking kind.
#[with_context]
async fn request(id: u64, kind: u64) {
    check(id);
    tokio::task::yield_now().await;
    match kind {
        // Panics in the request itself (observed where its task is joined).
        0 => panic!("{INJECTED} request {id} fails"),
        // A child panics; the request goes on.
        1 => {
            let child = tokio::spawn(async move {
                check(id);
                panic!("{INJECTED} child of {id} fails");
            });
            let error = child.await.expect_err("the child panicked");
            assert!(error.is_panic(), "{error}");
            PANICS.fetch_add(1, Ordering::Relaxed);
        }
        // A panic inside a nested `sync_scope`, caught; the request goes on.
        2 => {
            let step = StepCtx::builder().live(Live::new()).build();
            let caught = catch_unwind(AssertUnwindSafe(|| {
                step.sync_scope(|| panic!("{INJECTED} step of {id} fails"))
            }));
            let payload = caught.expect_err("the step panicked");
            assert_eq!(
                common::panic_message(&*payload),
                Some(format!("{INJECTED} step of {id} fails").as_str())
            );
            PANICS.fetch_add(1, Ordering::Relaxed);
            assert!(StepCtx::try_current().is_none());
        }
        // Timed out: the scoped work is dropped mid-flight.
        3 => {
            let slow = ctx(id + 1_000_000_000).scope(sleep_an_hour(Cancellation::armed()));
            assert!(
                tokio::time::timeout(Duration::from_micros(50), slow)
                    .await
                    .is_err(),
                "an hour passed"
            );
        }
        // `select!`: the losing branch, scoped in another context, is dropped.
        4 => {
            let loser = ctx(id + 2_000_000_000).scope(sleep_an_hour(Cancellation::armed()));
            tokio::select! {
                () = loser => unreachable!("an hour passed"),
                () = tokio::task::yield_now() => {}
            }
        }
        // A `JoinSet` of children dropped with its children pending: they are aborted (and
        // dropped by the runtime, at the latest when it shuts down).
        5 => {
            let mut set = tokio::task::JoinSet::new();
            for _ in 0..2 {
                let guard = Cancellation::armed();
                set.spawn(async move {
                    check(id);
                    sleep_an_hour(guard).await;
                });
            }
            tokio::task::yield_now().await;
            drop(set);
        }
        _ => {}
    }
    tokio::task::yield_now().await;
    check(id);
}

/// What the suite must observe for `requests` requests: every fault it injects, and the reads
/// that run whatever the schedule (aborted tasks and the children of dropped `JoinSet`s may or
/// may not get to their reads first).
struct Expected {
    /// Panics in the request itself: the request's task fails.
    request_panics: u64,
    /// All panics: in the request, in a child, inside `sync_scope`.
    panics: u64,
    /// Futures dropped mid-flight: timed out, lost a `select!`, children of a dropped `JoinSet`,
    /// aborted tasks.
    cancellations: u64,
    /// Reads every schedule performs.
    min_reads: u64,
}

fn expected(requests: u64) -> Expected {
    let mut e = Expected {
        request_panics: 0,
        panics: 0,
        cancellations: 0,
        min_reads: 0,
    };
    for id in 0..requests {
        let (panics, cancellations, reads) = match id % 20 {
            0 => {
                e.request_panics += 1;
                (1, 0, 1) // the read before the panic
            }
            1 => (1, 0, 3), // before, the child's, after
            2 => (1, 0, 2),
            3 | 4 => (0, 1, 2),
            5 => (0, 2, 2),     // the two children's reads may not happen
            6..13 => (0, 1, 0), // aborted: its read may not happen
            _ => (0, 0, 2),
        };
        e.panics += panics;
        e.cancellations += cancellations;
        e.min_reads += reads;
    }
    e
}

/// Runs `requests` requests with their faults, and joins them all: each aborted one cancelled,
/// exactly the panicking kind failed, for the injected reason.
async fn run_requests(requests: u64) {
    let mut requests_set = tokio::task::JoinSet::new();
    let mut to_abort = Vec::new();
    for id in 0..requests {
        // Out of every 20: one of each panic (3 panics), one of each cancellation inside
        // (4 cancelled futures), 7 aborted from outside; the other 6 are healthy.
        let kind = id % 20;
        if (6..13).contains(&kind) {
            let guard = Cancellation::armed();
            to_abort.push(tokio::spawn(ctx(id).scope(async move {
                check(id);
                sleep_an_hour(guard).await;
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
        let joined = tokio::time::timeout(STALL, task)
            .await
            .unwrap_or_else(|_| panic!("an aborted task did not finish within {STALL:?}"));
        let error = joined.expect_err("aborted");
        assert!(error.is_cancelled(), "{error}");
    }
    let mut panicked = 0;
    loop {
        let next = tokio::time::timeout(STALL, requests_set.join_next())
            .await
            .unwrap_or_else(|_| panic!("no request finished within {STALL:?}: one hangs"));
        let Some(done) = next else { break };
        if let Err(error) = done {
            assert!(error.is_panic(), "{error}");
            let message = error.into_panic();
            assert!(
                common::panic_message(&*message)
                    .is_some_and(|message| message.starts_with(INJECTED)),
                "a request panicked for another reason: {:?}",
                common::panic_message(&*message)
            );
            PANICS.fetch_add(1, Ordering::Relaxed);
            panicked += 1;
        }
    }
    assert_eq!(
        panicked,
        expected(requests).request_panics,
        "exactly the panicking kind failed"
    );
}

#[test]
fn faults_leave_no_context_behind() {
    const WORKERS: usize = 4;
    let requests: u64 = std::env::var("FAULT_REQUESTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    // Thousands of injected panics' messages are not worth printing; anything else still is.
    let injected = ExpectedPanics::install(|message| message.starts_with(INJECTED));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .enable_all()
        .build()
        .expect("runtime");
    let carrying = runtime.block_on(async {
        run_requests(requests).await;
        common::probe_every_worker(WORKERS, || {
            RequestCtx::try_current().is_some() || StepCtx::try_current().is_some()
        })
        .await
        .iter()
        .filter(|(_, carrying)| *carrying)
        .count()
    });
    drop(runtime); // drops whatever the runtime still holds (aborted children of dropped sets)
    let hooked = injected.seen().len();
    drop(injected);

    let (reads, mismatches) = (
        READS.load(Ordering::Relaxed),
        MISMATCHES.load(Ordering::Relaxed),
    );
    let (panics, cancelled) = (
        PANICS.load(Ordering::Relaxed),
        CANCELLED.load(Ordering::Relaxed),
    );
    let live = Live::count();
    let expected = expected(requests);
    println!(
        "faults: {requests} requests, {panics} panics observed ({hooked} through the panic hook), \
         {cancelled} cancellations observed, {reads} reads checked (at least {} on any schedule), \
         {mismatches} mismatches, {carrying} of {WORKERS} workers carrying a context, \
         {live} context values alive",
        expected.min_reads
    );
    assert_eq!(mismatches, 0);
    assert_eq!(carrying, 0, "a worker still carries a context");
    assert_eq!(live, 0, "every context value was dropped");
    assert_eq!(panics, expected.panics, "every injected panic was observed");
    assert_eq!(
        u64::try_from(hooked).expect("small"),
        expected.panics,
        "the panic hook saw exactly the injected panics"
    );
    assert_eq!(
        cancelled, expected.cancellations,
        "every cancelled future was dropped unfinished, and no other"
    );
    assert!(
        reads >= expected.min_reads,
        "{reads} reads, fewer than the {} every schedule performs",
        expected.min_reads
    );
}
