// A `LazyLock` field is refused: its value is computed after the context is built.
use context_runtime::RequestContext;
use std::sync::LazyLock;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    user: LazyLock<String>,
}

fn main() {}
