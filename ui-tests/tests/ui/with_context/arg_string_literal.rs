// A context type written as a string literal is refused at the literal, saying what the attribute accepts; the function is still emitted.
use context_runtime::{RequestContext, with_context};

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
}

#[with_context("RequestCtx")]
async fn enqueue() -> u64 {
    tokio::spawn(async { 1 }).await.unwrap()
}

fn main() {
    let _ = enqueue();
}
