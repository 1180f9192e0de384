// A `tokio::task::JoinHandle<()>` is refused: a task handle is the spawner's, not a fact about the request.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    task: tokio::task::JoinHandle<()>,
}

fn main() {}
