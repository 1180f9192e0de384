// A name too generic to refuse bare (`Database`) is refused under its crate's path (`mongodb::Database`). mongodb is not a dependency of these tests: a local module named like the crate stands in for it, and the derive sees the same tokens.
use context_runtime::RequestContext;

mod mongodb {
    pub struct Database;
}

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    db: mongodb::Database,
}

fn main() {}
