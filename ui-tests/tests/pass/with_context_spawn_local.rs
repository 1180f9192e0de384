// `#[with_context]` carries the context into `tokio::task::spawn_local`, bare `spawn_local`, `LocalSet::spawn_local`, `JoinSet::spawn_local` and `JoinSet::spawn_local_on` inside a `LocalSet`.
use std::rc::Rc;

use context_runtime::{RequestContext, with_context};
use tokio::task::{JoinSet, LocalSet};

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
async fn spawn_local_all(local: &LocalSet) -> Vec<&'static str> {
    use tokio::task::spawn_local;

    // `!Send` futures: only the local forms accept them.
    let not_send = Rc::new("tokio::task::spawn_local");
    let mut forms = vec![
        tokio::task::spawn_local(async move { child(*not_send) })
            .await
            .unwrap(),
        spawn_local(async { child("bare spawn_local") })
            .await
            .unwrap(),
        local
            .spawn_local(async { child("LocalSet::spawn_local") })
            .await
            .unwrap(),
    ];
    let mut set = JoinSet::new();
    set.spawn_local(async { child("JoinSet::spawn_local") });
    set.spawn_local_on(async { child("JoinSet::spawn_local_on") }, local);
    let mut from_set = Vec::new();
    while let Some(form) = set.join_next().await {
        from_set.push(form.unwrap());
    }
    from_set.sort_unstable();
    forms.extend(from_set);
    forms
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let local = LocalSet::new();
    let ctx = RequestCtx::builder().request_id("r-1".to_owned()).build();
    let forms = local.run_until(ctx.scope(spawn_local_all(&local))).await;
    assert_eq!(
        forms,
        [
            "tokio::task::spawn_local",
            "bare spawn_local",
            "LocalSet::spawn_local",
            "JoinSet::spawn_local",
            "JoinSet::spawn_local_on",
        ]
    );
}
