// A `Cell` field is refused: it would let `&RequestCtx` change the value.
use context_runtime::RequestContext;
use std::cell::Cell;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    hits: Cell<u64>,
}

fn main() {}
