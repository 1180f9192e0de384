// A sealed context in its own module, used from another: builder, reads, scopes, spawned work
// through `#[with_context]`, a typed capture, and the same value re-entered.
mod context {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    #[context(sealed, crate = context_runtime)]
    pub struct TenantCtx {
        #[context(log, propagate)]
        tenant: String,
    }
}

mod service {
    use context_runtime::with_context;

    use crate::context::TenantCtx;

    #[with_context]
    pub async fn run() -> String {
        let task = tokio::spawn(async { TenantCtx::with(|c| c.tenant().clone()) });
        let again = TenantCtx::current().scope(async { TenantCtx::current().tenant().clone() });
        format!("{} {}", task.await.unwrap(), again.await)
    }

    #[with_context(TenantCtx)]
    pub async fn typed() -> String {
        tokio::spawn(async { TenantCtx::current().tenant().clone() }).await.unwrap()
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let ctx = context::TenantCtx::builder().tenant("acme".into()).build();
    assert_eq!(ctx.scope(service::run()).await, "acme acme");
    let ctx = context::TenantCtx::builder().tenant("acme".into()).build();
    assert_eq!(ctx.scope(service::typed()).await, "acme");
}
