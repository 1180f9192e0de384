//! Carrying contexts by hand: a `Snapshot` taken in one scope and entered in another, the
//! `in_current_context` extension on futures and streams, and the spawn helpers.

use std::pin::Pin;
use std::task::{Context, Poll};

use context_runtime::{ContextExt, Snapshot};
use futures_core::Stream;

mod common;
use common::{TenantCtx, request, request_id, tenant_id};

#[test]
fn a_snapshot_taken_in_one_scope_runs_inside_another() {
    let snapshot = request("captured").sync_scope(|| {
        TenantCtx::builder()
            .tenant(4)
            .build()
            .sync_scope(Snapshot::capture)
    });
    assert_eq!(snapshot.len(), 2);
    request("other").sync_scope(|| {
        let inside = snapshot.clone().sync_scope(|| (request_id(), tenant_id()));
        assert_eq!(
            inside,
            (Some("captured".to_owned()), Some(4)),
            "the captured values win inside"
        );
        assert_eq!(
            request_id().as_deref(),
            Some("other"),
            "and the surrounding scope is back afterwards"
        );
        assert!(TenantCtx::try_current().is_none());
    });
    assert!(
        format!("{snapshot:?}").contains("RequestCtx"),
        "{snapshot:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_enters_a_future_on_every_poll_on_any_thread() {
    let snapshot = request("r-1").sync_scope(Snapshot::capture);
    let child = tokio::spawn(snapshot.scope(async {
        let mut seen_each_time = Vec::new();
        for _ in 0..50 {
            tokio::task::yield_now().await;
            seen_each_time.push(request_id());
        }
        seen_each_time
    }));
    let seen_each_time = child.await.unwrap();
    assert!(
        seen_each_time
            .iter()
            .all(|seen| seen.as_deref() == Some("r-1")),
        "{seen_each_time:?}"
    );
}

#[tokio::test]
async fn an_empty_snapshot_changes_nothing() {
    let snapshot = Snapshot::capture();
    assert!(snapshot.is_empty());
    let seen_inside = request("outer")
        .scope(snapshot.scope(async { request_id() }))
        .await;
    assert_eq!(seen_inside.as_deref(), Some("outer"));
}

/// A stream that reports the request id it sees on each poll, yielding between items.
struct SeenPerItem {
    left: usize,
    yielded: bool,
}

impl Stream for SeenPerItem {
    type Item = Option<String>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        if !self.yielded {
            self.yielded = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.yielded = false;
        self.left -= 1;
        Poll::Ready(Some(request_id()))
    }
}

async fn collect<S: Stream + Unpin>(mut stream: S) -> Vec<S::Item> {
    let mut items = Vec::new();
    while let Some(item) = std::future::poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
        items.push(item);
    }
    items
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_keeps_its_context_for_every_item() {
    let stream = request("r-stream").sync_scope(|| {
        SeenPerItem {
            left: 10,
            yielded: false,
        }
        .in_current_context()
    });
    assert_eq!(stream.size_hint(), (0, None));
    // Polled from another task, where no context is set.
    let items = tokio::spawn(collect(stream)).await.unwrap();
    assert_eq!(items.len(), 10);
    assert!(
        items.iter().all(|seen| seen.as_deref() == Some("r-stream")),
        "{items:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawn_helpers_carry_the_context() {
    let (task, blocking, thread) = request("r-h")
        .scope(async {
            let task = context_runtime::spawn(async { request_id() });
            let blocking = context_runtime::spawn_blocking(request_id);
            let thread = context_runtime::spawn_thread(request_id);
            (
                task.await.unwrap(),
                blocking.await.unwrap(),
                thread.join().unwrap(),
            )
        })
        .await;
    assert_eq!(
        (task.as_deref(), blocking.as_deref(), thread.as_deref()),
        (Some("r-h"), Some("r-h"), Some("r-h"))
    );
}

#[tokio::test]
async fn in_context_uses_the_given_snapshot() {
    let snapshot = request("given").sync_scope(Snapshot::capture);
    let seen_inside = request("ambient")
        .scope(async { request_id() }.in_context(snapshot))
        .await;
    assert_eq!(seen_inside.as_deref(), Some("given"));
}

#[test]
fn with_current_builds_a_snapshot_of_named_types() {
    let snapshot = request("r").sync_scope(|| {
        TenantCtx::builder()
            .tenant(1)
            .build()
            .sync_scope(|| Snapshot::empty().with_current::<TenantCtx>())
    });
    assert_eq!(snapshot.len(), 1);
    snapshot.sync_scope(|| {
        assert_eq!(request_id(), None);
        assert_eq!(tenant_id(), Some(1));
    });
}

#[test]
fn a_panic_inside_a_snapshot_scope_restores_the_surrounding_context() {
    let snapshot = request("captured").sync_scope(Snapshot::capture);
    request("outer").sync_scope(|| {
        let caught = std::panic::catch_unwind(|| snapshot.sync_scope(|| panic!("boom")));
        assert!(caught.is_err());
        assert_eq!(request_id().as_deref(), Some("outer"));
    });
}
