// After refusing a unit struct, the derive still emits the `RequestContext` impl and an empty builder, so the uses below type-check: the refusal is the only error.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx;

fn main() {
    let set = RequestCtx::builder()
        .build()
        .sync_scope(|| RequestCtx::try_current().is_some());
    assert!(set);
}
