// A `OnceLock` field is refused: it could be filled in after the context is built.
use context_runtime::RequestContext;
use std::sync::OnceLock;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    user: OnceLock<String>,
}

fn main() {}
