// Helpers take and return the builder by name: `RequestCtxBuilder` (fresh) and `RequestCtxBuilder<Set<u64>, Unset>` (one field set), with the states from `context_runtime::builder`.
mod context {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct RequestCtx {
        tenant: u64,
        request_id: String,
    }
}

mod defaults {
    use context_runtime::builder::{Set, Unset};

    use crate::context::{RequestCtx, RequestCtxBuilder};

    pub fn fresh() -> RequestCtxBuilder {
        RequestCtx::builder()
    }

    pub fn for_tenant(
        builder: RequestCtxBuilder,
        tenant: u64,
    ) -> RequestCtxBuilder<Set<u64>, Unset> {
        builder.tenant(tenant)
    }
}

use context::RequestCtx;

fn main() {
    let half = defaults::for_tenant(defaults::fresh(), 7);
    let ctx: RequestCtx = half.request_id("r-1".to_owned()).build();
    assert_eq!(*ctx.tenant(), 7);
    assert_eq!(ctx.request_id(), "r-1");

    // The bare name and the name with every state `Unset` are the same type.
    let fresh: context::RequestCtxBuilder<
        context_runtime::builder::Unset,
        context_runtime::builder::Unset,
    > = defaults::fresh();
    let ctx = fresh.request_id("r-2".to_owned()).tenant(8).build();
    assert_eq!(*ctx.tenant(), 8);
}
