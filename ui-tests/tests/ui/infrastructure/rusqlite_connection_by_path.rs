// A database connection written with its crate path is refused.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    db: rusqlite::Connection,
}

fn main() {}
