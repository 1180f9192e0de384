// A `std::fs::File` is refused: a file is an I/O resource the code is given, not a fact about the request.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    log: std::fs::File,
}

fn main() {}
