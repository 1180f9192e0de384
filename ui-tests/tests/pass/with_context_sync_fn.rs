// `#[with_context]` on a sync fn called inside `sync_scope` on a runtime thread: its `tokio::spawn`, `spawn_blocking` and thread spawns carry the context, and the tasks see it after the scope has ended.
use context_runtime::{RequestContext, with_context};
use tokio::task::JoinHandle;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
}

fn seen() -> Option<String> {
    RequestCtx::try_with(|c| c.request_id().clone())
}

/// A synchronous callback that starts work in the background and returns at once.
#[with_context]
fn start_jobs() -> (
    JoinHandle<Option<String>>,
    JoinHandle<Option<String>>,
    std::thread::JoinHandle<Option<String>>,
) {
    (
        tokio::spawn(async {
            tokio::task::yield_now().await;
            seen()
        }),
        tokio::task::spawn_blocking(seen),
        std::thread::spawn(seen),
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let ctx = RequestCtx::builder().request_id("r-1".to_owned()).build();
    let (task, blocking, thread) = ctx.sync_scope(start_jobs);
    assert!(RequestCtx::try_current().is_none());
    assert_eq!(task.await.unwrap().as_deref(), Some("r-1"));
    assert_eq!(blocking.await.unwrap().as_deref(), Some("r-1"));
    assert_eq!(thread.join().unwrap().as_deref(), Some("r-1"));

    // Outside any scope the same function runs, and its children see nothing.
    let (task, blocking, thread) = start_jobs();
    assert_eq!(task.await.unwrap(), None);
    assert_eq!(blocking.await.unwrap(), None);
    assert_eq!(thread.join().unwrap(), None);
}
