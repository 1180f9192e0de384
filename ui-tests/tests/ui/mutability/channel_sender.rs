// A channel is a handle to shared state, not a fact about the request.
use context_runtime::RequestContext;
use std::sync::mpsc::Sender;

#[derive(RequestContext)]
pub struct RequestCtx {
    events: Sender<u64>,
}

fn main() {}
