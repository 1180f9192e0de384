// `#[with_context]` carries the context into `JoinSet::spawn`, `spawn_blocking`, `spawn_on` and `spawn_blocking_on`.
use context_runtime::{RequestContext, with_context};
use tokio::runtime::Handle;
use tokio::task::JoinSet;

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
async fn spawn_into_set() -> Vec<&'static str> {
    let handle = Handle::current();
    let mut set = JoinSet::new();
    set.spawn(async { child("JoinSet::spawn") });
    set.spawn_blocking(|| child("JoinSet::spawn_blocking"));
    set.spawn_on(async { child("JoinSet::spawn_on") }, &handle);
    set.spawn_blocking_on(|| child("JoinSet::spawn_blocking_on"), &handle);
    let mut forms = Vec::new();
    while let Some(form) = set.join_next().await {
        forms.push(form.unwrap());
    }
    forms.sort_unstable();
    forms
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let ctx = RequestCtx::builder().request_id("r-1".to_owned()).build();
    let forms = ctx.scope(spawn_into_set()).await;
    assert_eq!(
        forms,
        [
            "JoinSet::spawn",
            "JoinSet::spawn_blocking",
            "JoinSet::spawn_blocking_on",
            "JoinSet::spawn_on",
        ]
    );
}
