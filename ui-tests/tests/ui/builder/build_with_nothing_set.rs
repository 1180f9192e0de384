// `build()` with no setter called reports every required field.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    tenant: u64,
    user: Option<String>,
}

fn main() {
    let _ = RequestCtx::builder().build();
}
