// After refusing a struct with a lifetime parameter, the derive still emits a stub, so the uses below type-check: the refusal is the only error.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx<'a> {
    user: &'a str,
}

fn main() {
    let ctx = RequestCtx::builder().user("alice").build();
    let len = ctx.sync_scope(|| RequestCtx::with(|ctx| ctx.user().len()));
    let _ = (len, RequestCtx::try_current().map(|ctx| *ctx.user()));
}
