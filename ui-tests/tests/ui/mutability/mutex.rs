// A `Mutex` field is refused: a context is read-only once built, locks included.
use context_runtime::RequestContext;
use std::sync::Mutex;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    hits: Mutex<u64>,
}

fn main() {}
