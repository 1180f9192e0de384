// Leaving a required field unset is a compile error at `.build()` naming the field.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    tenant: u64,
    user: Option<String>,
}

fn main() {
    let _ = RequestCtx::builder().request_id("r-1".into()).build();
}
