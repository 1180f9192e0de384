// A raw pointer field is refused: `*const u8` is neither `Send` nor `Sync`.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    data: *const u8,
}

fn main() {}
