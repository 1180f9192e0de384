// Two context types in one module are independent: each has its own builder, storage and scope.
use context_runtime::{Current, RequestContext};

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
}

#[derive(RequestContext)]
pub struct TenantCtx {
    tenant: u64,
}

async fn describe() -> String {
    let request = RequestCtx::current();
    let tenant = TenantCtx::with(|c| *c.tenant());
    format!("{} for {tenant}", request.request_id())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let request = RequestCtx::builder().request_id("r-1".to_owned()).build();
    let tenant = TenantCtx::builder().tenant(7).build();

    let out = request
        .scope(async {
            assert!(TenantCtx::try_current().is_none());
            let inner = tenant.scope(describe()).await;
            assert!(TenantCtx::try_current().is_none());
            assert!(RequestCtx::try_current().is_some());
            inner
        })
        .await;
    assert_eq!(out, "r-1 for 7");

    // An inner scope of the same type shadows the outer one, then the outer is back.
    let outer = TenantCtx::builder().tenant(1).build();
    outer
        .scope(async {
            let before = TenantCtx::current();
            let inner = TenantCtx::builder().tenant(2).build();
            assert_eq!(
                inner.scope(async { *TenantCtx::current().tenant() }).await,
                2
            );
            let after = TenantCtx::current();
            assert!(Current::ptr_eq(&before, &after));
            assert_eq!(*after.tenant(), 1);
        })
        .await;

    // A handle carries the value into a spawned task by hand.
    let handle = RequestCtx::builder()
        .request_id("r-2".to_owned())
        .build()
        .scope(async { RequestCtx::current() })
        .await;
    let spawned = tokio::spawn(
        handle
            .clone()
            .scope(async { RequestCtx::with(|c| c.request_id().clone()) }),
    );
    assert_eq!(spawned.await.unwrap(), "r-2");
    assert_eq!(handle.request_id(), "r-2");
}
