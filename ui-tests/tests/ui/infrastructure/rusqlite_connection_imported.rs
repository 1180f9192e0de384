// A database connection imported by name (`use rusqlite::Connection;`) is refused: code takes it as an explicit dependency, not from the request context.
use context_runtime::RequestContext;
use rusqlite::Connection;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    db: Connection,
}

fn main() {}
