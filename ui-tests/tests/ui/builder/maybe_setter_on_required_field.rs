// Only `Option` fields get a `maybe_<field>` setter: `maybe_tenant` does not exist for `tenant: u64`.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() {
    let _ = RequestCtx::builder().maybe_tenant(Some(7)).build();
}
