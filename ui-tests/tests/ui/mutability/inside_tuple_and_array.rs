// Interior mutability inside a tuple or an array is found and refused.
use context_runtime::RequestContext;
use std::cell::Cell;
use std::sync::atomic::AtomicU8;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    pair: (u64, Cell<u8>),
    flags: [AtomicU8; 4],
}

fn main() {}
