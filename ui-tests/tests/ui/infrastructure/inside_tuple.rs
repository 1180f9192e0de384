// A file nested in a tuple inside a `Vec` is refused.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    logs: Vec<(String, std::fs::File)>,
}

fn main() {}
