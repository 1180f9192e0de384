// The `Arc` inside `Current` is private: `c.0` cannot be used to get at it.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() {
    let c = RequestCtx::current();
    let _ = std::sync::Arc::get_mut(&mut c.0);
}
