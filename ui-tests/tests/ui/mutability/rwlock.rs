// An `RwLock` field is refused: its write lock would change a frozen context.
use context_runtime::RequestContext;
use std::sync::RwLock;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    user: RwLock<String>,
}

fn main() {}
