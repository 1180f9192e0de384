//! The request's deadline and cancellation: inherited by everything working for the request,
//! never extended by a nested one, enforced by `timeout` and observed through `done()`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use context_runtime::{
    Deadline, DeadlineExceeded, RequestContext, Snapshot, done, timeout, with_context,
};
use tokio::sync::oneshot;

/// How late a timer may fire on a loaded machine before a test calls it wrong: the tests check
/// what happens, not how fast.
const SLACK: Duration = Duration::from_secs(5);

fn close_to(remaining: Option<Duration>, budget: Duration) -> bool {
    remaining.is_some_and(|left| left <= budget && left + SLACK > budget)
}

#[with_context]
async fn spawned_reads() -> [Option<Duration>; 3] {
    let task = tokio::spawn(async { Deadline::remaining() });
    let blocking = tokio::task::spawn_blocking(Deadline::remaining);
    let thread = std::thread::spawn(Deadline::remaining);
    [
        task.await.unwrap(),
        blocking.await.unwrap(),
        thread.join().unwrap(),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_blocking_work_and_threads_spawned_through_with_context_inherit_it() {
    let budget = Duration::from_secs(30);
    let seen = Deadline::after(budget).scope(spawned_reads()).await;
    for (what, remaining) in ["task", "blocking", "thread"].iter().zip(seen) {
        assert!(close_to(remaining, budget), "{what}: {remaining:?}");
    }
    // Without `#[with_context]`, a plain spawn does not inherit it: the same as any context.
    let plain = Deadline::after(budget)
        .scope(async { tokio::spawn(async { Deadline::remaining() }).await.unwrap() })
        .await;
    assert_eq!(plain, None);
}

/// The typed form carries exactly the types it names: `Deadline` among them, when named.
#[with_context(Deadline)]
async fn typed_spawn() -> Option<Duration> {
    tokio::spawn(async { Deadline::remaining() }).await.unwrap()
}

#[tokio::test]
async fn the_typed_with_context_carries_it_when_named() {
    let budget = Duration::from_secs(30);
    let seen = Deadline::after(budget).scope(typed_spawn()).await;
    assert!(close_to(seen, budget), "{seen:?}");
}

#[tokio::test]
async fn snapshots_and_the_spawn_helpers_carry_it() {
    let at = Instant::now() + Duration::from_secs(30);
    let (snapshot, helper) = Deadline::at(at)
        .scope(async {
            let helper = context_runtime::spawn(async { Deadline::current().instant() });
            (Snapshot::capture(), helper)
        })
        .await;
    assert_eq!(helper.await.unwrap(), at);
    assert_eq!(
        snapshot.sync_scope(|| Deadline::current().instant()),
        at,
        "the snapshot holds the deadline in force when it was taken"
    );
}

#[tokio::test]
async fn a_nested_deadline_tightens_and_never_extends() {
    let outer = Instant::now() + Duration::from_secs(10);
    Deadline::at(outer)
        .scope(async move {
            for later in [
                outer + Duration::from_nanos(1),
                outer + Duration::from_hours(1),
            ] {
                let seen = Deadline::at(later)
                    .scope(async { Deadline::current().instant() })
                    .await;
                assert_eq!(seen, outer, "a later deadline inside did not extend it");
                // The same through the blocking form and through the trait, as generic code calls it.
                assert_eq!(
                    Deadline::at(later).sync_scope(|| Deadline::current().instant()),
                    outer
                );
                let generic = RequestContext::scope(Deadline::at(later), async {
                    Deadline::current().instant()
                })
                .await;
                assert_eq!(generic, outer);
            }
            let earlier = outer.checked_sub(Duration::from_secs(5)).unwrap();
            let seen = Deadline::at(earlier)
                .scope(async { Deadline::current().instant() })
                .await;
            assert_eq!(
                seen, earlier,
                "an earlier deadline inside is in force there"
            );
            assert_eq!(
                Deadline::current().instant(),
                outer,
                "and the outer one is back after it"
            );
        })
        .await;
}

#[tokio::test]
async fn timeout_cuts_the_work_at_the_deadline() {
    let budget = Duration::from_millis(100);
    let started = Instant::now();
    let dropped = Arc::new(AtomicBool::new(false));
    let guard = DropFlag(Arc::clone(&dropped));
    let outcome = Deadline::after(budget)
        .scope(timeout(async move {
            let _guard = guard;
            tokio::time::sleep(Duration::from_mins(1)).await;
        }))
        .await;
    let elapsed = started.elapsed();
    let error: DeadlineExceeded = outcome.unwrap_err();
    assert_eq!(
        error.to_string(),
        "the request's deadline passed before this work finished"
    );
    assert!(elapsed >= budget, "cut at {elapsed:?}, before the deadline");
    assert!(elapsed < budget + SLACK, "cut at {elapsed:?}");
    assert!(dropped.load(Ordering::SeqCst), "the cut work was dropped");
}

#[tokio::test]
async fn timeout_without_a_deadline_runs_to_completion_and_with_a_passed_one_does_not_start() {
    assert_eq!(
        timeout(async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            1
        })
        .await,
        Ok(1)
    );
    let started = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&started);
    let outcome = Deadline::after(Duration::ZERO)
        .scope(timeout(async move { flag.store(true, Ordering::SeqCst) }))
        .await;
    assert!(outcome.is_err());
    assert!(
        !started.load(Ordering::SeqCst),
        "work past its deadline was not started"
    );
    // Work that waits, then finishes in time, keeps its output.
    let waited = Deadline::after(Duration::from_secs(30))
        .scope(timeout(async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            "waited"
        }))
        .await;
    assert_eq!(waited, Ok("waited"));
    // Work that finishes in time keeps its output.
    let fast = Deadline::after(Duration::from_secs(30))
        .scope(timeout(async { "fast" }))
        .await;
    assert_eq!(fast, Ok("fast"));
}

#[tokio::test]
async fn done_fires_at_the_deadline_in_spawned_work() {
    let budget = Duration::from_millis(100);
    let started = Instant::now();
    let child = Deadline::after(budget).sync_scope(|| {
        context_runtime::spawn(async move {
            done().await;
            started.elapsed()
        })
    });
    let fired = child.await.unwrap();
    assert!(
        fired >= budget && fired < budget + SLACK,
        "done() at {fired:?}"
    );
}

#[tokio::test]
async fn done_fires_when_the_request_is_dropped_and_a_detached_child_that_does_not_look_finishes() {
    let (stopped_tx, stopped_rx) = oneshot::channel();
    let (finished_tx, finished_rx) = oneshot::channel();
    let (cut_tx, cut_rx) = oneshot::channel();
    let (spawned_tx, spawned_rx) = oneshot::channel::<()>();
    let request = Deadline::after(Duration::from_mins(1)).scope(spawning_request(
        stopped_tx,
        finished_tx,
        cut_tx,
        spawned_tx,
    ));
    let request = tokio::spawn(request);
    spawned_rx.await.unwrap();
    // The client goes away: the server drops the request's future.
    request.abort();
    assert!(request.await.unwrap_err().is_cancelled());
    let reason = tokio::time::timeout(SLACK, stopped_rx)
        .await
        .expect("done() fired")
        .unwrap();
    assert_eq!(reason, "request dropped");
    let cut: DeadlineExceeded = tokio::time::timeout(SLACK, cut_rx)
        .await
        .expect("timeout() returned")
        .unwrap()
        .unwrap_err();
    assert!(cut.request_dropped());
    assert_eq!(
        cut.to_string(),
        "the request was dropped before this work finished"
    );
    assert_eq!(
        tokio::time::timeout(SLACK, finished_rx)
            .await
            .expect("the audit finished")
            .unwrap(),
        "audit written"
    );
}

#[with_context]
async fn spawning_request(
    stopped: oneshot::Sender<&'static str>,
    finished: oneshot::Sender<&'static str>,
    cut: oneshot::Sender<Result<(), DeadlineExceeded>>,
    spawned: oneshot::Sender<()>,
) {
    // A child whose slow work runs under `timeout`: cut when the request goes, not a minute later.
    tokio::spawn(async move {
        let _ = cut.send(timeout(tokio::time::sleep(Duration::from_mins(1))).await);
    });
    // A child that watches `done()`, and an audit that does not look.
    tokio::spawn(async move {
        tokio::select! {
            () = done() => { let _ = stopped.send("request dropped"); }
            () = tokio::time::sleep(Duration::from_mins(1)) => { let _ = stopped.send("ran to the end"); }
        }
    });
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let _ = finished.send("audit written");
    });
    let _ = spawned.send(());
    std::future::pending::<()>().await;
}

#[tokio::test]
async fn a_request_that_completes_is_not_cancelled() {
    let started = Instant::now();
    let child = Deadline::after(Duration::from_millis(300)).sync_scope(|| {
        context_runtime::spawn(async move {
            done().await;
            started.elapsed()
        })
    });
    // The request has completed; its child still holds the deadline.
    let fired = child.await.unwrap();
    assert!(
        fired >= Duration::from_millis(300),
        "done() fired at {fired:?}, before the deadline: completing a request is not dropping it"
    );
}

#[test]
fn outside_any_deadline_nothing_is_set_and_done_never_fires() {
    assert_eq!(Deadline::remaining(), None);
    assert!(!Deadline::expired());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let fired =
        runtime.block_on(async { tokio::time::timeout(Duration::from_millis(50), done()).await });
    assert!(fired.is_err(), "done() without a deadline never resolves");
}

struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}
