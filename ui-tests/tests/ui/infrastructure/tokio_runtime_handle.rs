// A `tokio::runtime::Handle` is refused: the code that spawns takes the runtime handle explicitly.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    runtime: tokio::runtime::Handle,
}

fn main() {}
