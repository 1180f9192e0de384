// `#[with_context]` carries the context into `tokio::task::spawn_blocking`, `task::spawn_blocking`, bare `spawn_blocking` and `Handle::spawn_blocking`, for the whole closure.
use context_runtime::{RequestContext, with_context};

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
}

fn seen() -> Option<String> {
    RequestCtx::try_with(|c| c.request_id().clone())
}

fn child(form: &'static str) -> &'static str {
    assert_eq!(
        seen().as_deref(),
        Some("r-1"),
        "{form}: the child lost the parent's context"
    );
    form
}

#[with_context]
async fn spawn_all() -> Vec<&'static str> {
    use tokio::task;
    use tokio::task::spawn_blocking;

    vec![
        tokio::task::spawn_blocking(|| child("tokio::task::spawn_blocking"))
            .await
            .unwrap(),
        task::spawn_blocking(|| child("task::spawn_blocking"))
            .await
            .unwrap(),
        spawn_blocking(|| child("bare spawn_blocking"))
            .await
            .unwrap(),
        tokio::runtime::Handle::current()
            .spawn_blocking(|| child("Handle::spawn_blocking"))
            .await
            .unwrap(),
        // A function item, not a closure.
        tokio::task::spawn_blocking(seen)
            .await
            .unwrap()
            .map_or("lost", |_| "function item"),
    ]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let ctx = RequestCtx::builder().request_id("r-1".to_owned()).build();
    let forms = ctx.scope(spawn_all()).await;
    assert_eq!(
        forms,
        [
            "tokio::task::spawn_blocking",
            "task::spawn_blocking",
            "bare spawn_blocking",
            "Handle::spawn_blocking",
            "function item",
        ]
    );
}
