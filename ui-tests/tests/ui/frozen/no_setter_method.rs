// The derive generates getters only: there is no `set_<field>` method to call.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() {
    let c = RequestCtx::current();
    c.set_tenant(8);
}
