// A `Mutex` nested in an `Arc` is found and refused: the check looks inside generic arguments.
use context_runtime::RequestContext;
use std::sync::{Arc, Mutex};

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    hits: Arc<Mutex<u64>>,
}

fn main() {}
