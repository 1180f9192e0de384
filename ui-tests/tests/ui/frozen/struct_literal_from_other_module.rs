// Outside its module a context cannot be built with a struct literal: the builder is the only way.
mod app {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct RequestCtx {
        tenant: u64,
    }
}

fn main() {
    let _ = app::RequestCtx { tenant: 8 };
}
