// Setting the same field twice is a compile error naming the field and pointing at the second call.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    tenant: u64,
}

fn main() {
    let _ = RequestCtx::builder().tenant(1).request_id("r-1".into()).tenant(2).build();
}
