// Generic code over the `RequestContext` trait still works beside the inherent functions: `current_of::<T>()` reads whichever context it is given.
use context_runtime::{Current, RequestContext};

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
}

#[derive(RequestContext)]
pub struct JobCtx {
    tenant: u64,
}

fn current_of<T: RequestContext>() -> Option<Current<T>> {
    T::try_current()
}

fn tenant_of<T: RequestContext>(read: impl FnOnce(&T) -> u64) -> Option<u64> {
    // `try_with` hands `f` the value's `Current` handle, which dereferences to `&T`.
    T::try_with(|c| read(c))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    assert!(current_of::<RequestCtx>().is_none());
    let ctx = RequestCtx::builder().tenant(7).build();
    let tenant = ctx
        .scope(async {
            assert!(current_of::<JobCtx>().is_none());
            let current = current_of::<RequestCtx>().map(|c| *c.tenant());
            (current, tenant_of::<RequestCtx>(|c| *c.tenant()))
        })
        .await;
    assert_eq!(tenant, (Some(7), Some(7)));

    let job = JobCtx::builder().tenant(8).build();
    let tenant = RequestContext::sync_scope(job, || tenant_of::<JobCtx>(|c| *c.tenant()));
    assert_eq!(tenant, Some(8));
}
