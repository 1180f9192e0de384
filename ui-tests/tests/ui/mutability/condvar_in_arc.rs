// Synchronisation primitives are refused at any depth.
use context_runtime::RequestContext;
use std::sync::{Arc, Condvar};

#[derive(RequestContext)]
pub struct RequestCtx {
    signal: Arc<Condvar>,
}

fn main() {}
