//! Request A never sees request B's context: 10,000 concurrent scoped tasks on a multi-thread
//! runtime, each yielding at random points and checking its own value after every await.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use context_runtime::RequestContext;

#[derive(RequestContext)]
struct RequestCtx {
    request_id: String,
    tenant: u64,
}

const TASKS: u64 = 10_000;
const AWAITS_PER_TASK: u64 = 20;

/// A tiny deterministic generator (xorshift), so a failure replays the same schedule of yields.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn check_own_value(expected: u64) {
    let got = RequestCtx::with(|c| (*c.tenant(), c.request_id().clone()));
    assert_eq!(
        got,
        (expected, format!("r-{expected}")),
        "task {expected} saw another request's context"
    );
    CHECKED.fetch_add(1, Ordering::Relaxed);
}

/// A deeper async frame: the context is read after an await two calls down.
async fn deeper(expected: u64) {
    tokio::task::yield_now().await;
    check_own_value(expected);
}

static CHECKED: AtomicU64 = AtomicU64::new(0);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_scopes_never_see_each_other() {
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..TASKS {
        let ctx = RequestCtx::builder()
            .request_id(format!("r-{i}"))
            .tenant(i)
            .build();
        tasks.spawn(ctx.scope(async move {
            let mut rng = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            for _ in 0..AWAITS_PER_TASK {
                match next(&mut rng) % 4 {
                    0 => tokio::task::yield_now().await,
                    1 => tokio::time::sleep(Duration::from_micros(next(&mut rng) % 50)).await,
                    2 => deeper(i).await,
                    _ => {}
                }
                check_own_value(i);
            }
            i
        }));
    }
    let mut finished = 0;
    while let Some(result) = tasks.join_next().await {
        result.expect("a scoped task panicked: a context mismatch");
        finished += 1;
    }
    assert_eq!(finished, TASKS);
    assert!(CHECKED.load(Ordering::Relaxed) >= TASKS * AWAITS_PER_TASK);
    assert!(RequestCtx::try_current().is_none());
}
