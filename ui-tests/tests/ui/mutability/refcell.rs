// A `RefCell` field is refused: it would let `&RequestCtx` change the value.
use context_runtime::RequestContext;
use std::cell::RefCell;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    user: RefCell<String>,
}

fn main() {}
