// A database connection is refused at any depth: `Option<Arc<rusqlite::Connection>>`.
use context_runtime::RequestContext;
use std::sync::Arc;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    db: Option<Arc<rusqlite::Connection>>,
}

fn main() {}
