//! A panic inside a scope leaves no trace: the outer value is back, the worker thread carries no
//! context afterwards, and the context is readable again right after a caught panic.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

mod common;
use common::{RequestCtx, probe_every_worker, request, request_id};

/// How long any one task may take to finish before the suite fails instead of hanging.
const STALL: std::time::Duration = std::time::Duration::from_secs(30);

/// Turns a panic during a poll into `Err`, like `futures::FutureExt::catch_unwind`.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = std::thread::Result<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

/// The message of the panic `caught` holds; fails if there was none.
fn panicked_with<T>(caught: std::thread::Result<T>) -> String {
    let Err(payload) = caught else {
        panic!("it did not panic")
    };
    common::panic_message(&*payload)
        .expect("a text message")
        .to_owned()
}

#[test]
fn panic_in_sync_scope_restores_the_outer_value() {
    request("outer").sync_scope(|| {
        let caught = catch_unwind(|| request("inner").sync_scope(|| panic!("boom in inner")));
        assert_eq!(panicked_with(caught), "boom in inner");
        assert_eq!(request_id().as_deref(), Some("outer"));
    });
    let caught = catch_unwind(|| request("only").sync_scope(|| panic!("boom")));
    assert_eq!(panicked_with(caught), "boom");
    assert_eq!(request_id(), None);
}

#[tokio::test]
async fn panic_in_async_scope_restores_the_outer_value() {
    request("outer")
        .scope(async {
            let inner = request("inner").scope(async {
                tokio::task::yield_now().await;
                panic!("boom after an await");
            });
            let caught = CatchUnwind(Box::pin(inner)).await;
            assert_eq!(panicked_with(caught), "boom after an await");
            assert_eq!(request_id().as_deref(), Some("outer"));
        })
        .await;
    assert_eq!(request_id(), None);
}

#[test]
fn panic_inside_with_leaves_the_context_readable() {
    request("r-1").sync_scope(|| {
        let caught = catch_unwind(|| RequestCtx::with(|_| panic!("boom in a reader")));
        assert_eq!(panicked_with(caught), "boom in a reader");
        assert_eq!(request_id().as_deref(), Some("r-1"));
    });
}

const WORKERS: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn panicking_tasks_leave_no_context_on_any_worker() {
    let mut tasks = Vec::new();
    for i in 0..200 {
        tasks.push(tokio::spawn(request(&format!("r-{i}")).scope(async move {
            tokio::task::yield_now().await;
            assert!(i % 2 == 1, "request {i} failed");
            request_id()
        })));
    }
    let mut panicked = 0;
    for (i, task) in tasks.into_iter().enumerate() {
        let joined = tokio::time::timeout(STALL, task)
            .await
            .unwrap_or_else(|_| panic!("request {i} did not finish within {STALL:?}"));
        match joined {
            Ok(seen) => assert_eq!(seen, Some(format!("r-{i}"))),
            Err(error) => {
                assert!(error.is_panic(), "request {i}: {error}");
                let message = error.into_panic();
                assert_eq!(
                    common::panic_message(&*message),
                    Some(format!("request {i} failed").as_str()),
                    "request {i} failed for the expected reason"
                );
                panicked += 1;
            }
        }
    }
    assert_eq!(panicked, 100);

    let probes = probe_every_worker(WORKERS, || RequestCtx::try_current().is_some()).await;
    assert!(
        probes.iter().all(|(_, has_context)| !has_context),
        "a worker still carries a context: {probes:?}"
    );
}
