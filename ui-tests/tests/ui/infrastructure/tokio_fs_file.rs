// A `tokio::fs::File` is refused.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    log: tokio::fs::File,
}

fn main() {}
