// A type spelled through an imported module (`use std::sync; sync::Mutex<u8>`) is refused: the module's name is a known first segment.
use context_runtime::RequestContext;
use std::sync;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    hits: sync::Mutex<u8>,
}

fn main() {}
