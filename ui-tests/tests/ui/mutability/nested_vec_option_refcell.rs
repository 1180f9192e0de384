// A `RefCell` nested two levels deep (`Vec<Option<RefCell<u8>>>`) is found and refused.
use context_runtime::RequestContext;
use std::cell::RefCell;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    flags: Vec<Option<RefCell<u8>>>,
}

fn main() {}
