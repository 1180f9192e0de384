// A `JoinSet` imported by name is refused.
use context_runtime::RequestContext;
use tokio::task::JoinSet;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    tasks: JoinSet<()>,
}

fn main() {}
