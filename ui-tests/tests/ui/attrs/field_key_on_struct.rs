// A field key on the struct (`#[context(log)]`) is refused with advice to move it to a field.
use context_runtime::RequestContext;

#[derive(RequestContext)]
#[context(log)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() {}
