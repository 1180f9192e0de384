// Two contexts in one module share the field name `tenant`; each built without it names `tenant` and its own context.
mod context {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct RequestCtx {
        request_id: String,
        tenant: u64,
    }

    #[derive(RequestContext)]
    pub struct JobCtx {
        job: String,
        tenant: u64,
    }
}

fn main() {
    let _ = context::RequestCtx::builder()
        .request_id("r-1".to_owned())
        .build();
    let _ = context::JobCtx::builder().job("j-1".to_owned()).build();
}
