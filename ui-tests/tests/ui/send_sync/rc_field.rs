// An `Rc` field is refused: a context is shared across threads, so every field must be `Send + Sync`.
use context_runtime::RequestContext;
use std::rc::Rc;

#[derive(RequestContext)]
pub struct RequestCtx {
    user: Rc<u8>,
}

fn main() {}
