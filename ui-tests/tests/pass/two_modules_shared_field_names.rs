// Two contexts in two modules with the same field names (`tenant`, `request_id`) are built and read side by side, each through its own builder and getters.
mod http_ctx {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct RequestCtx {
        #[context(propagate)]
        request_id: String,
        tenant: u64,
    }
}

mod job_ctx {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct JobCtx {
        tenant: u64,
        request_id: Option<String>,
    }
}

use http_ctx::RequestCtx;
use job_ctx::JobCtx;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let request = RequestCtx::builder()
        .tenant(7)
        .request_id("r-1".to_owned())
        .build();
    let job = JobCtx::builder()
        .request_id("r-1".to_owned())
        .tenant(8)
        .build();
    let out = request
        .scope(job.scope(async {
            let request_tenant = RequestCtx::with(|c| *c.tenant());
            let job_tenant = JobCtx::with(|c| *c.tenant());
            let job_request = JobCtx::with(|c| c.request_id().cloned());
            (request_tenant, job_tenant, job_request)
        }))
        .await;
    assert_eq!(out, (7, 8, Some("r-1".to_owned())));

    let job = JobCtx::builder().tenant(9).build();
    assert_eq!(job.request_id(), None);
}
