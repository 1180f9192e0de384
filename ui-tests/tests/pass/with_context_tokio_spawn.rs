// `#[with_context]` carries the context into `tokio::spawn`, `tokio::task::spawn`, `task::spawn`, bare `spawn` imported from tokio and `Handle::spawn`, captured at the call: the children run after the parent left its scope and still see it.
use context_runtime::{RequestContext, with_context};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
}

/// What a child sees: the request id, or `None` when the context did not reach it.
fn seen() -> Option<String> {
    RequestCtx::try_with(|c| c.request_id().clone())
}

/// A child that waits until the parent has left its scope, then reports what it sees.
async fn child(form: &'static str, go: oneshot::Receiver<()>) -> (&'static str, Option<String>) {
    go.await.unwrap();
    let seen = seen();
    assert_eq!(
        seen.as_deref(),
        Some("r-1"),
        "{form}: the child lost the parent's context"
    );
    (form, seen)
}

#[with_context]
async fn spawn_all() -> (
    Vec<JoinHandle<(&'static str, Option<String>)>>,
    Vec<oneshot::Sender<()>>,
) {
    use tokio::spawn;
    use tokio::task;

    let mut gates = Vec::new();
    let mut gate = || {
        let (tx, rx) = oneshot::channel();
        gates.push(tx);
        rx
    };
    let last = gate();
    let handles = vec![
        tokio::spawn(child("tokio::spawn", gate())),
        tokio::task::spawn(child("tokio::task::spawn", gate())),
        task::spawn(child("task::spawn", gate())),
        spawn(child("bare spawn (tokio)", gate())),
        tokio::runtime::Handle::current().spawn(child("Handle::spawn", gate())),
        tokio::spawn(async move { child("tokio::spawn of an async block", last).await }),
    ];
    (handles, gates)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let ctx = RequestCtx::builder().request_id("r-1".to_owned()).build();
    let (handles, gates) = ctx.scope(spawn_all()).await;
    assert!(RequestCtx::try_current().is_none());
    for gate in gates {
        gate.send(()).unwrap();
    }
    let mut forms = Vec::new();
    for handle in handles {
        let (form, seen) = handle.await.unwrap();
        assert_eq!(seen.as_deref(), Some("r-1"), "{form}");
        forms.push(form);
    }
    assert_eq!(forms.len(), 6);
}
