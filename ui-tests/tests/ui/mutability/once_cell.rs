// A `OnceCell` field is refused: it could be filled in after the context is built.
use context_runtime::RequestContext;
use std::cell::OnceCell;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    user: OnceCell<String>,
}

fn main() {}
