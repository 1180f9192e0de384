// The `&Current<RequestCtx>` given to `with` cannot escape the closure: it lives only as long as the call.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() {
    let r = RequestCtx::with(|c| c);
    let _ = r.tenant();
}
