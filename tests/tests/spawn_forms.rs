//! `#[with_context]`: every spawn form carries the parent's context into the child, captured at
//! the spawn call; the same code without the attribute does not (the problem it solves).

use std::sync::Arc;
use std::time::Duration;

use context_runtime::with_context;
use tokio::sync::Barrier;

mod common;
use common::{TenantCtx, request, request_id, tenant, tenant_id};

/// Every spawn form the attribute rewrites, each child reporting what it sees.
#[with_context]
async fn spawn_everything() -> Vec<(&'static str, Option<String>)> {
    use tokio::task::JoinSet;

    let mut seen_by = vec![
        (
            "tokio::spawn",
            tokio::spawn(async { request_id() }).await.unwrap(),
        ),
        (
            "tokio::task::spawn",
            tokio::task::spawn(async { request_id() }).await.unwrap(),
        ),
        (
            "tokio::task::spawn_blocking",
            tokio::task::spawn_blocking(request_id).await.unwrap(),
        ),
        (
            "std::thread::spawn",
            std::thread::spawn(request_id).join().unwrap(),
        ),
        (
            "thread::Builder::spawn",
            std::thread::Builder::new()
                .spawn(request_id)
                .unwrap()
                .join()
                .unwrap(),
        ),
        (
            "thread::scope spawn",
            std::thread::scope(|s| s.spawn(|| request_id()).join().unwrap()),
        ),
        (
            "Handle::spawn",
            tokio::runtime::Handle::current()
                .spawn(async { request_id() })
                .await
                .unwrap(),
        ),
        (
            "Handle::spawn_blocking",
            tokio::runtime::Handle::current()
                .spawn_blocking(request_id)
                .await
                .unwrap(),
        ),
    ];

    let mut set = JoinSet::new();
    set.spawn(async { ("JoinSet::spawn", request_id()) });
    set.spawn_blocking(|| ("JoinSet::spawn_blocking", request_id()));
    set.spawn_on(
        async { ("JoinSet::spawn_on", request_id()) },
        &tokio::runtime::Handle::current(),
    );
    while let Some(result) = set.join_next().await {
        seen_by.push(result.unwrap());
    }
    seen_by.extend(bare_tokio_forms().await);
    seen_by.push(("bare std::thread spawn", bare_thread_spawn()));
    seen_by
}

#[with_context]
async fn bare_tokio_forms() -> Vec<(&'static str, Option<String>)> {
    use tokio::spawn;
    use tokio::task::spawn_blocking;
    vec![
        (
            "bare tokio spawn",
            spawn(async { request_id() }).await.unwrap(),
        ),
        (
            "bare spawn_blocking",
            spawn_blocking(request_id).await.unwrap(),
        ),
    ]
}

#[with_context]
fn bare_thread_spawn() -> Option<String> {
    use std::thread::spawn;
    spawn(request_id).join().unwrap()
}

/// The same calls without the attribute.
async fn spawn_without_attribute() -> Vec<Option<String>> {
    vec![
        tokio::spawn(async { request_id() }).await.unwrap(),
        tokio::task::spawn_blocking(request_id).await.unwrap(),
        std::thread::spawn(request_id).join().unwrap(),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_spawn_form_sees_the_parents_context() {
    let seen_by = request("r-1").scope(spawn_everything()).await;
    assert_eq!(seen_by.len(), 14);
    let lost: Vec<_> = seen_by
        .iter()
        .filter(|(_, seen)| seen.as_deref() != Some("r-1"))
        .collect();
    assert!(lost.is_empty(), "these forms lost the context: {lost:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_attribute_children_see_nothing() {
    let seen = request("r-1").scope(spawn_without_attribute()).await;
    assert_eq!(seen, vec![None, None, None]);
}

#[with_context]
async fn spawn_local_in_local_set() -> (Option<String>, Option<String>) {
    let local = tokio::task::LocalSet::new();
    let a = local.spawn_local(async { request_id() });
    let b = tokio::task::spawn_local(async { request_id() });
    local
        .run_until(async { (a.await.unwrap(), b.await.unwrap()) })
        .await
}

#[tokio::test]
async fn spawn_local_inside_a_local_set() {
    let local = tokio::task::LocalSet::new();
    let (a, b) = local
        .run_until(request("r-local").scope(spawn_local_in_local_set()))
        .await;
    assert_eq!(a.as_deref(), Some("r-local"));
    assert_eq!(b.as_deref(), Some("r-local"));
}

#[with_context]
async fn grandchildren() -> (Option<String>, Option<String>, Option<String>) {
    tokio::spawn(async {
        let blocking =
            tokio::task::spawn_blocking(|| std::thread::spawn(request_id).join().unwrap());
        let task = tokio::spawn(async { tokio::spawn(async { request_id() }).await.unwrap() });
        (request_id(), blocking.await.unwrap(), task.await.unwrap())
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grandchildren_see_the_context_too() {
    let (child, blocking_grandchild, task_great_grandchild) =
        request("r-g").scope(grandchildren()).await;
    assert_eq!(child.as_deref(), Some("r-g"));
    assert_eq!(blocking_grandchild.as_deref(), Some("r-g"));
    assert_eq!(task_great_grandchild.as_deref(), Some("r-g"));
}

#[with_context]
fn spawn_and_leave(barrier: Arc<Barrier>) -> tokio::task::JoinHandle<Option<String>> {
    tokio::spawn(async move {
        barrier.wait().await; // runs only after the parent has left its scope
        request_id()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_context_is_captured_at_the_spawn_call() {
    let barrier = Arc::new(Barrier::new(2));
    let child = request("r-captured").sync_scope(|| spawn_and_leave(Arc::clone(&barrier)));
    assert_eq!(request_id(), None, "the parent has left its scope");
    // A later scope of the parent must not leak into the child either.
    // Bounded: a child that never reaches the barrier fails the test instead of hanging CI.
    let bound = Duration::from_secs(10);
    request("r-later")
        .scope(async {
            tokio::time::timeout(bound, barrier.wait())
                .await
                .expect("the child did not reach the barrier within 10 s");
        })
        .await;
    let seen = tokio::time::timeout(bound, child)
        .await
        .expect("the child did not finish within 10 s");
    assert_eq!(seen.unwrap().as_deref(), Some("r-captured"));
}

#[with_context]
async fn both_types() -> (Option<String>, Option<u64>) {
    tokio::spawn(async { (request_id(), tenant_id()) })
        .await
        .unwrap()
}

#[with_context(TenantCtx)]
async fn only_tenant() -> (Option<String>, Option<u64>) {
    tokio::spawn(async { (request_id(), tenant_id()) })
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn which_context_types_are_carried() {
    let (all, subset) = request("r-2")
        .scope(tenant(9).scope(async { (both_types().await, only_tenant().await) }))
        .await;
    assert_eq!(
        all,
        (Some("r-2".to_owned()), Some(9)),
        "no argument: every context set is carried"
    );
    assert_eq!(
        subset,
        (None, Some(9)),
        "named: exactly those types are carried"
    );
    // Spawning where nothing is set is fine: the child simply has none.
    assert_eq!(both_types().await, (None, None));
}

#[with_context]
async fn abort_join_set() -> (usize, Option<String>) {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..100 {
        set.spawn(async { std::future::pending::<()>().await });
    }
    set.spawn(async {});
    let mut cancelled = 0;
    set.abort_all();
    while let Some(result) = set.join_next().await {
        if result.is_err_and(|error| error.is_cancelled()) {
            cancelled += 1;
        }
    }
    (cancelled, request_id())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_set_with_abort_leaves_the_parent_untouched() {
    let (cancelled, parent_sees) = request("r-abort").scope(abort_join_set()).await;
    assert!(
        cancelled >= 100,
        "the pending children were aborted: {cancelled}"
    );
    assert_eq!(parent_sees.as_deref(), Some("r-abort"));
}

/// The message a child panicked with; fails if it did not panic.
fn panic_message<T: std::fmt::Debug>(joined: Result<T, tokio::task::JoinError>) -> String {
    let error = joined.expect_err("the child panicked");
    assert!(error.is_panic(), "{error}");
    common::panic_message(&*error.into_panic())
        .expect("a text message")
        .to_owned()
}

/// Children that read the context and then panic, saying what they read.
#[with_context]
async fn child_panics() -> (String, String, Option<String>) {
    let child = tokio::spawn(async { panic!("child saw {:?}", request_id()) });
    let task = panic_message(child.await);
    let blocking = tokio::task::spawn_blocking(|| panic!("blocking child saw {:?}", request_id()));
    (task, panic_message(blocking.await), request_id())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_child_does_not_disturb_the_parent() {
    let (task, blocking, parent_sees) = request("r-panic").scope(child_panics()).await;
    assert_eq!(task, r#"child saw Some("r-panic")"#);
    assert_eq!(blocking, r#"blocking child saw Some("r-panic")"#);
    assert_eq!(parent_sees.as_deref(), Some("r-panic"));
}
