// After refusing a union, the derive still emits the `RequestContext` impl, so the uses below type-check: the refusal is the only error.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub union RequestCtx {
    tenant: u64,
    user: u32,
}

fn main() {
    let ctx = RequestCtx { tenant: 7 };
    let set = ctx.sync_scope(|| RequestCtx::try_current().is_some());
    assert!(set);
}
