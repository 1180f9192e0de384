// The generated `RequestContext` API end to end: `scope`, `sync_scope`, `current`, `try_current`, `with`, `try_with`, `Current`.
use context_runtime::{Current, RequestContext, Scoped};

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    tenant: u64,
}

async fn handler() -> String {
    service().await
}

async fn service() -> String {
    repository().await
}

async fn repository() -> String {
    RequestCtx::with(|c| format!("tenant {} for {}", c.tenant(), c.request_id()))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    assert!(RequestCtx::try_current().is_none());
    assert_eq!(RequestCtx::try_with(|c| *c.tenant()), None);

    let ctx = RequestCtx::builder()
        .request_id("r-1".to_owned())
        .tenant(7)
        .build();
    let fut: Scoped<RequestCtx, _> = ctx.scope(handler());
    assert_eq!(fut.await, "tenant 7 for r-1");
    assert!(RequestCtx::try_current().is_none());

    // `current()` hands out a read-only handle that outlives the scope and re-enters it.
    let handle: Current<RequestCtx> = RequestCtx::builder()
        .request_id("r-2".to_owned())
        .tenant(8)
        .build()
        .sync_scope(RequestCtx::current);
    let copy = handle.clone();
    assert!(Current::ptr_eq(&handle, &copy));
    let as_ref: &RequestCtx = handle.as_ref();
    assert_eq!(*as_ref.tenant(), 8);
    assert_eq!(copy.scope(repository()).await, "tenant 8 for r-2");
    assert_eq!(
        handle.sync_scope(|| RequestCtx::try_with(|c| *c.tenant())),
        Some(8)
    );
}
