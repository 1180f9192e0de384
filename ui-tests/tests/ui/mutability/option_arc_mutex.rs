// A `Mutex` behind `Option<Arc<..>>` (an optional field, whose setter takes the inner type) is found and refused.
use context_runtime::RequestContext;
use std::sync::{Arc, Mutex};

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    cache: Option<Arc<Mutex<Vec<u8>>>>,
}

fn main() {}
