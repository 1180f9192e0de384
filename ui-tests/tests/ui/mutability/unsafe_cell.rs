// An `UnsafeCell` field is refused: it is the root of all interior mutability.
use context_runtime::RequestContext;
use std::cell::UnsafeCell;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    hits: UnsafeCell<u64>,
}

fn main() {}
