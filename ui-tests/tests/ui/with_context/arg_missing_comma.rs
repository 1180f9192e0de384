// Two context types without a comma between them are refused at the second one; the function is still emitted.
use context_runtime::{RequestContext, with_context};

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
}

#[derive(RequestContext)]
pub struct TenantCtx {
    tenant: u64,
}

#[with_context(RequestCtx TenantCtx)]
async fn enqueue() -> u64 {
    tokio::spawn(async { 1 }).await.unwrap()
}

fn main() {
    let _ = enqueue();
}
