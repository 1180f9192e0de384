// `#[derive(Debug)]` written after `#[derive(RequestContext)]` is refused: ours already implements a `Debug` that redacts sensitive fields.
use context_runtime::RequestContext;

#[derive(RequestContext)]
#[derive(Debug)]
pub struct RequestCtx {
    tenant: u64,
    #[context(sensitive)]
    token: String,
}

fn main() {}
