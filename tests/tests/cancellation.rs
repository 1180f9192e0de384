//! A scoped future that is dropped, aborted or timed out mid-flight leaves nothing behind: no
//! context on the thread, and the context value itself is freed.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Waker};
use std::time::Duration;

use context_runtime::RequestContext;

/// Counts live values in its own counter, so tests running in parallel do not share one.
#[derive(Debug)]
struct Tracked(&'static AtomicUsize);

impl Tracked {
    fn new(live: &'static AtomicUsize) -> Self {
        live.fetch_add(1, Ordering::SeqCst);
        Self(live)
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[derive(RequestContext)]
struct RequestCtx {
    request_id: String,
    #[allow(dead_code)] // only its drop matters
    tracked: Tracked,
}

fn request(id: &str, live: &'static AtomicUsize) -> RequestCtx {
    RequestCtx::builder()
        .request_id(id.to_owned())
        .tracked(Tracked::new(live))
        .build()
}

#[test]
fn dropping_a_pending_scoped_future_leaves_nothing_behind() {
    static LIVE: AtomicUsize = AtomicUsize::new(0);
    let mut fut = Box::pin(request("r-1", &LIVE).scope(std::future::pending::<()>()));
    let mut cx = Context::from_waker(Waker::noop());
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    assert!(
        RequestCtx::try_current().is_none(),
        "the context is only set during a poll"
    );
    assert_eq!(LIVE.load(Ordering::SeqCst), 1);
    drop(fut);
    assert_eq!(
        LIVE.load(Ordering::SeqCst),
        0,
        "the context value was freed with its future"
    );
    assert!(RequestCtx::try_current().is_none());
}

#[test]
fn destructors_of_a_dropped_scoped_future_still_see_its_context() {
    static LIVE: AtomicUsize = AtomicUsize::new(0);
    static SEEN_ON_DROP: AtomicUsize = AtomicUsize::new(0);
    struct ReadsOnDrop;
    impl Drop for ReadsOnDrop {
        fn drop(&mut self) {
            if RequestCtx::try_with(|c| c.request_id() == "r-drop") == Some(true) {
                SEEN_ON_DROP.fetch_add(1, Ordering::SeqCst);
            }
        }
    }
    let mut fut = Box::pin(request("r-drop", &LIVE).scope(async {
        let _guard = ReadsOnDrop;
        std::future::pending::<()>().await;
    }));
    assert!(
        fut.as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
            .is_pending()
    );
    drop(fut);
    assert_eq!(SEEN_ON_DROP.load(Ordering::SeqCst), 1);
    assert_eq!(LIVE.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aborted_and_timed_out_scopes_free_their_context() {
    static LIVE: AtomicUsize = AtomicUsize::new(0);
    let mut handles = Vec::new();
    for i in 0..1_000 {
        handles.push(tokio::spawn(request(&format!("r-{i}"), &LIVE).scope(
            async {
                tokio::time::sleep(Duration::from_hours(1)).await;
            },
        )));
    }
    tokio::task::yield_now().await;
    for handle in &handles {
        handle.abort();
    }
    for handle in handles {
        assert!(handle.await.expect_err("aborted").is_cancelled());
    }

    for i in 0..1_000 {
        let timed_out = tokio::time::timeout(
            Duration::from_millis(1),
            request(&format!("t-{i}"), &LIVE).scope(tokio::time::sleep(Duration::from_hours(1))),
        )
        .await;
        assert!(timed_out.is_err());
        assert!(RequestCtx::try_current().is_none());
    }
    assert_eq!(
        LIVE.load(Ordering::SeqCst),
        0,
        "every aborted or timed-out context was freed"
    );
}
