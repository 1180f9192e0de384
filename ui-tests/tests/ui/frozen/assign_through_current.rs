// Assigning a field through the `Current` handle fails: it dereferences to `&RequestCtx` only (no `DerefMut`), even in the defining module.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() {
    let c = RequestCtx::current();
    c.tenant = 8;
}
