//! Memory: requests through the runtime leave no context value alive and retain no heap (at most
//! `RETAINED_BOUND` bytes, whatever the number of requests), and an in-flight request costs at
//! most its context's own size plus 64 bytes. Heap figures come from a counting global allocator
//! (`cap`), so this suite is one test in a binary of its own.
//!
//! Size: `MEMORY_REQUESTS` (default 100,000, half sequential and half concurrent); the large run
//! is `MEMORY_REQUESTS=1000000 cargo test --release -p context-tests --test memory -- --nocapture`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use cap::Cap;
use context_runtime::RequestContext;

mod common;
use common::Live;

#[global_allocator]
static ALLOCATOR: Cap<std::alloc::System> = Cap::new(std::alloc::System, usize::MAX);

/// A context with no heap data of its own, so its size is `size_of` exactly.
#[derive(RequestContext)]
struct RequestCtx {
    request_id: u64,
    tenant: u64,
    user: Option<u64>,
    #[allow(dead_code)] // only its drop matters
    live: Live,
}

fn ctx(id: u64) -> RequestCtx {
    RequestCtx::builder()
        .request_id(id)
        .tenant(id % 7)
        .maybe_user(id.checked_rem(2))
        .live(Live::new())
        .build()
}

static READS: AtomicU64 = AtomicU64::new(0);

fn read(id: u64) {
    assert_eq!(RequestCtx::with(|c| *c.request_id()), id);
    READS.fetch_add(1, Ordering::Relaxed);
}

/// The heap the requests may leave allocated, in bytes, however many there are. The counting
/// allocator sees every allocation of the process, so an allocation made meanwhile by another
/// thread of the test binary (the harness's own, once) would show here; the requests themselves
/// are expected to leave nothing (the last runs measured 0). At the default 100,000 requests a
/// leak of one byte per 24 requests already exceeds it.
const RETAINED_BOUND: i64 = 4096;

/// Heap bytes held while `n` tasks are in flight, each waiting on `gate`; with a context per
/// task or without.
fn heap_in_flight(runtime: &tokio::runtime::Runtime, n: u64, with_context: bool) -> usize {
    runtime.block_on(async {
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let waiting = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::with_capacity(usize::try_from(n).expect("small"));
        let before = ALLOCATOR.allocated();
        for id in 0..n {
            let (gate, waiting) = (Arc::clone(&gate), Arc::clone(&waiting));
            let work = async move {
                waiting.fetch_add(1, Ordering::SeqCst);
                gate.acquire().await.expect("open").forget();
            };
            // The same request future either way; only the scope around it differs.
            let request = async move {
                work.await;
                id
            };
            tasks.push(if with_context {
                tokio::spawn(ctx(id).scope(request))
            } else {
                tokio::spawn(request)
            });
        }
        while waiting.load(Ordering::SeqCst) < n {
            tokio::task::yield_now().await;
        }
        let held = ALLOCATOR.allocated() - before;
        gate.add_permits(usize::try_from(n).expect("small"));
        for (id, task) in (0..n).zip(tasks) {
            assert_eq!(task.await.expect("task"), id);
        }
        held
    })
}

#[test]
fn requests_leave_nothing_alive_retain_nothing_and_cost_their_size_plus_64_bytes() {
    let requests: u64 = std::env::var("MEMORY_REQUESTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    // Per in-flight request: the same tasks with and without a context.
    let in_flight = 10_000;
    let with = heap_in_flight(&runtime, in_flight, true);
    let without = heap_in_flight(&runtime, in_flight, false);
    let per_request = (with - without) / usize::try_from(in_flight).expect("small");
    let own = size_of::<RequestCtx>();

    // Many requests, half one after the other, half concurrently in batches.
    let baseline = ALLOCATOR.allocated();
    runtime.block_on(async {
        for id in 0..requests / 2 {
            ctx(id).scope(async move { read(id) }).await;
        }
        let mut id = requests / 2;
        while id < requests {
            let mut batch = tokio::task::JoinSet::new();
            for _ in 0..10_000.min(requests - id) {
                batch.spawn(ctx(id).scope(async move {
                    tokio::task::yield_now().await;
                    read(id);
                }));
                id += 1;
            }
            while let Some(done) = batch.join_next().await {
                done.expect("request");
            }
        }
    });
    // Signed: what the run freed of what was allocated before it is not a leak.
    let retained = i64::try_from(ALLOCATOR.allocated()).expect("small")
        - i64::try_from(baseline).expect("small");
    let live = Live::count();
    let reads = READS.load(Ordering::Relaxed);
    println!(
        "memory: {requests} requests, {reads} reads checked, {live} context values alive afterwards, \
         {retained} bytes retained (bound {RETAINED_BOUND}); \
         in flight: {per_request} bytes per request for a {own}-byte context (budget {} bytes)",
        own + 64
    );
    assert_eq!(reads, requests, "every request read its own context once");
    assert_eq!(live, 0, "every context value was dropped");
    assert!(
        retained <= RETAINED_BOUND,
        "{retained} bytes still allocated after {requests} requests"
    );
    assert!(
        per_request <= own + 64,
        "{per_request} bytes per in-flight request"
    );
}
