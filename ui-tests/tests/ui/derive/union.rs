// The derive refuses a union.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub union RequestCtx {
    tenant: u64,
    user: u32,
}

fn main() {}
