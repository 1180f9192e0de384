// A `std::sync::mpsc::Sender` spelled by its full path is refused: a channel end is a handle to shared state.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    events: std::sync::mpsc::Sender<u8>,
}

fn main() {}
