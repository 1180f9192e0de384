// A `*mut u8` field is refused: a raw pointer is neither `Send` nor `Sync`.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    buffer: *mut u8,
}

fn main() {}
