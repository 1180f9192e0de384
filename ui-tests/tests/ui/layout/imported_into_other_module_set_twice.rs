// A handler module imports the context with `use crate::context::RequestCtx;` and sets `tenant` twice.
mod context {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct RequestCtx {
        request_id: String,
        tenant: u64,
    }
}

mod handlers {
    use crate::context::RequestCtx;

    pub fn context_for(request_id: &str, tenant: u64) -> RequestCtx {
        RequestCtx::builder()
            .tenant(tenant)
            .request_id(request_id.to_owned())
            .tenant(0)
            .build()
    }
}

fn main() {
    let _ = handlers::context_for("r-1", 7);
}
