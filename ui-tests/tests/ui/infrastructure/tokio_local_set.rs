// A `tokio::task::LocalSet` is refused as a task handle, and only that: it is neither `Send` nor `Sync`, and the refused field is not also reported for it.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    tasks: tokio::task::LocalSet,
}

fn main() {}
