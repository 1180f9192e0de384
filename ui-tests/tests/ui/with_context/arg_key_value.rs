// `#[with_context(RequestCtx = 1)]` is refused at the `=`, saying what the attribute accepts; the function is still emitted.
use context_runtime::{RequestContext, with_context};

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
}

#[with_context(RequestCtx = 1)]
async fn enqueue() -> u64 {
    tokio::spawn(async { 1 }).await.unwrap()
}

fn main() {
    let _ = enqueue();
}
