//! Soak: many concurrent requests on a multi-thread runtime, each with its own context, random
//! yields and sleeps, nested scopes of a second context type, and children spawned through
//! `#[with_context]` (tasks, blocking work, threads) with grandchildren. Every read is checked
//! against the value the request set; the suite reports reads checked (must be exactly the reads
//! the requests perform) and mismatches (must be 0).
//!
//! Size: `SOAK_REQUESTS` (default 10,000, what CI runs); the large run is
//! `SOAK_REQUESTS=100000 cargo test --release -p context-tests --test soak -- --nocapture`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use context_runtime::{RequestContext, with_context};

#[derive(RequestContext)]
struct RequestCtx {
    request_id: u64,
    tenant: u64,
}

#[derive(RequestContext)]
struct StepCtx {
    step: u64,
}

static READS: AtomicU64 = AtomicU64::new(0);
static MISMATCHES: AtomicU64 = AtomicU64::new(0);

/// Checks that the current request is `expected`, counting the read and any mismatch.
fn check(expected: u64) {
    let seen = RequestCtx::try_with(|c| (*c.request_id(), *c.tenant()));
    READS.fetch_add(1, Ordering::Relaxed);
    if seen != Some((expected, expected % 97)) {
        MISMATCHES.fetch_add(1, Ordering::Relaxed);
    }
}

fn check_step(expected: u64) {
    READS.fetch_add(1, Ordering::Relaxed);
    if StepCtx::try_with(|c| *c.step()) != Some(expected) {
        MISMATCHES.fetch_add(1, Ordering::Relaxed);
    }
}

/// xorshift: a deterministic schedule of yields and sleeps per request.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

async fn pause(rng: &mut u64) {
    match next(rng) % 4 {
        0 => tokio::task::yield_now().await,
        1 => tokio::time::sleep(Duration::from_micros(next(rng) % 200)).await,
        _ => {}
    }
}

#[with_context]
async fn request(id: u64) {
    let mut rng = id.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    check(id);
    pause(&mut rng).await;
    // A nested scope of a second type, shadowed once more inside.
    StepCtx::builder()
        .step(id)
        .build()
        .scope(async {
            check(id);
            check_step(id);
            tokio::task::yield_now().await;
            StepCtx::builder()
                .step(id + 1)
                .build()
                .sync_scope(|| check_step(id + 1));
            check_step(id);
            check(id);
        })
        .await;
    pause(&mut rng).await;
    match id % 50 {
        // A blocking child that starts a thread: a grandchild on a plain thread.
        0 => tokio::task::spawn_blocking(move || {
            check(id);
            std::thread::spawn(move || check(id))
                .join()
                .expect("thread");
        })
        .await
        .expect("blocking child"),
        1..=9 => tokio::task::spawn_blocking(move || check(id))
            .await
            .expect("blocking child"),
        // A task child with a task grandchild, each yielding.
        _ => tokio::spawn(async move {
            check(id);
            tokio::task::yield_now().await;
            tokio::spawn(async move {
                tokio::task::yield_now().await;
                check(id);
            })
            .await
            .expect("grandchild");
            check(id);
        })
        .await
        .expect("child"),
    }
    check(id);
}

/// The reads `request(id)` performs for ids `0..requests`, on any schedule: seven in the request
/// and its nested scopes, plus its children's (two, one or three by `id % 50`).
fn expected_reads(requests: u64) -> u64 {
    (0..requests)
        .map(|id| {
            7 + match id % 50 {
                0 => 2,
                1..=9 => 1,
                _ => 3,
            }
        })
        .sum()
}

#[test]
fn soak_every_read_sees_its_own_request() {
    let requests: u64 = std::env::var("SOAK_REQUESTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for id in 0..requests {
            let ctx = RequestCtx::builder().request_id(id).tenant(id % 97).build();
            set.spawn(ctx.scope(request(id)));
        }
        while let Some(done) = set.join_next().await {
            done.expect("a request failed");
        }
    });
    let (reads, mismatches) = (
        READS.load(Ordering::Relaxed),
        MISMATCHES.load(Ordering::Relaxed),
    );
    println!(
        "soak: {requests} concurrent requests, {reads} reads checked, {mismatches} mismatches"
    );
    assert_eq!(
        reads,
        expected_reads(requests),
        "every request and child performed its reads"
    );
    assert_eq!(mismatches, 0);
}
