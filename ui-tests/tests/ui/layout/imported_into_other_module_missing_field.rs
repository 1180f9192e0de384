// A handler module imports the context with `use crate::context::RequestCtx;` and builds it without `tenant`.
mod context {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct RequestCtx {
        request_id: String,
        tenant: u64,
        user: Option<String>,
    }
}

mod handlers {
    use crate::context::RequestCtx;

    pub fn context_for(request_id: &str) -> RequestCtx {
        RequestCtx::builder()
            .request_id(request_id.to_owned())
            .user("alice".to_owned())
            .build()
    }
}

fn main() {
    let _ = handlers::context_for("r-1");
}
