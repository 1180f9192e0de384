// A `Box<dyn Fn() -> u8>` field without `+ Send + Sync` is refused: the closure may capture something bound to one thread. (`sensitive`, so the field need not be `Debug` and this is the only error.)
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(sensitive)]
    next_id: Box<dyn Fn() -> u8>,
}

fn main() {}
