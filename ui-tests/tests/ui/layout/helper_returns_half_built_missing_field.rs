// A helper in another module returns the builder with `tenant` set (`RequestCtxBuilder<Unset, Set<u64>>`); the caller builds without `request_id`.
mod context {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct RequestCtx {
        request_id: String,
        tenant: u64,
    }
}

mod defaults {
    use context_runtime::builder::{Set, Unset};

    use crate::context::{RequestCtx, RequestCtxBuilder};

    pub fn for_tenant(tenant: u64) -> RequestCtxBuilder<Unset, Set<u64>> {
        RequestCtx::builder().tenant(tenant)
    }
}

fn main() {
    let _ = defaults::for_tenant(7).build();
}
