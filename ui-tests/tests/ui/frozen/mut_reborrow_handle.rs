// `&mut *c` on the `Current` handle fails: it implements `Deref` only, never `DerefMut`.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() {
    let c = RequestCtx::current();
    let r: &mut RequestCtx = &mut *c;
    let _ = r.tenant();
}
