// The handle has no `into_inner`: the owned value cannot be taken back out of a `Current`.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() {
    let c = RequestCtx::current();
    let _ = c.into_inner();
}
