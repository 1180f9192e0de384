// A context in its own module, built from `main` without its required `tenant`: the error names `tenant`, not a path into the module.
mod context {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct RequestCtx {
        request_id: String,
        tenant: u64,
    }
}

fn main() {
    let _ = context::RequestCtx::builder()
        .request_id("r-1".to_owned())
        .build();
}
