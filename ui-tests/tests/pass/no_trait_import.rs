// Without `use context_runtime::RequestContext` anywhere but the declaring module: `scope`, `sync_scope`, `with`, `try_with`, `current` and `try_current` are inherent functions of the context.
mod context {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct RequestCtx {
        request_id: String,
        tenant: u64,
    }
}

mod service {
    use crate::context::RequestCtx;

    pub async fn handle() -> String {
        let tenant = RequestCtx::with(|c| *c.tenant());
        let current = RequestCtx::current();
        assert!(RequestCtx::try_current().is_some());
        format!("{}@{tenant}", current.request_id())
    }

    pub fn sync_work() -> Option<u64> {
        RequestCtx::try_with(|c| *c.tenant())
    }

    pub async fn run() {
        let ctx = RequestCtx::builder()
            .request_id("r-1".to_owned())
            .tenant(7)
            .build();
        assert_eq!(ctx.scope(handle()).await, "r-1@7");

        assert!(RequestCtx::try_current().is_none());
        assert_eq!(RequestCtx::try_with(|c| *c.tenant()), None);

        let ctx = RequestCtx::builder()
            .request_id("r-2".to_owned())
            .tenant(8)
            .build();
        assert_eq!(ctx.sync_scope(sync_work), Some(8));
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    service::run().await;
}
