// `Arc::get_mut` cannot reach the value: `Current` is not an `Arc` and does not expose the one it wraps.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() {
    let mut c = RequestCtx::current();
    let _ = std::sync::Arc::get_mut(&mut c);
}
