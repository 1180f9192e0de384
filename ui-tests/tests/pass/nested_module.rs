// A context defined in a nested module is built and read from outside through the builder and getters only (no trait import: the reads are inherent).
mod app {
    pub mod ctx {
        use context_runtime::RequestContext;

        /// Facts about one request.
        #[derive(RequestContext)]
        pub struct RequestCtx {
            request_id: String,
            tenant: u64,
            user: Option<String>,
        }
    }

    pub async fn handler() -> String {
        service().await
    }

    async fn service() -> String {
        ctx::RequestCtx::with(|c| format!("{}@{}", c.request_id(), c.tenant()))
    }
}

use app::ctx::RequestCtx;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let ctx = RequestCtx::builder()
        .tenant(7)
        .request_id("r-1".to_owned())
        .build();
    assert_eq!(*ctx.tenant(), 7);
    assert_eq!(ctx.user(), None);
    assert_eq!(ctx.scope(app::handler()).await, "r-1@7");
    assert!(RequestCtx::try_with(|c| c.tenant().to_owned()).is_none());
}
