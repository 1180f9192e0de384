// Two contexts in two modules share the field name `tenant`: setting one's `tenant` twice names `tenant`, not a path into its module.
mod http_ctx {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct RequestCtx {
        request_id: String,
        tenant: u64,
    }
}

mod job_ctx {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct JobCtx {
        job: String,
        tenant: u64,
    }
}

fn main() {
    let _ = http_ctx::RequestCtx::builder()
        .request_id("r-1".to_owned())
        .tenant(7)
        .build();
    let _ = job_ctx::JobCtx::builder()
        .tenant(7)
        .job("j-1".to_owned())
        .tenant(8)
        .build();
}
