// The owned value cannot be taken back out of the handle with `Arc::try_unwrap`.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() {
    let c = RequestCtx::current();
    let _ = std::sync::Arc::try_unwrap(c);
}
