// After refusing a tuple struct, the derive still emits the `RequestContext` impl and `builder()`, so the uses below type-check: the refusal is the only error.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx(u64, String);

fn main() {
    let ctx = RequestCtx(7, "alice".to_owned());
    let tenant = ctx.sync_scope(|| RequestCtx::with(|ctx| ctx.0));
    let _ = (tenant, RequestCtx::builder().build());
}
