// Assigning a field inside `with` fails: the closure receives the context's `Current` handle, which has no `DerefMut`.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() {
    RequestCtx::with(|c| c.tenant = 8);
}
