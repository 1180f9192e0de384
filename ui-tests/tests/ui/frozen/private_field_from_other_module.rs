// Outside its module a context's fields are private: read them through the generated getters.
mod app {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct RequestCtx {
        tenant: u64,
    }
}

fn main() {
    let ctx = app::RequestCtx::builder().tenant(7).build();
    let _ = ctx.tenant;
}
