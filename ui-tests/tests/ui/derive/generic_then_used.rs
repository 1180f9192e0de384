// After refusing a generic struct, the derive still emits a stub of everything it generates, so the uses below (builder chain, getters, `with`, `current`, `scope`, `Debug`) type-check: the refusal is the only error.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx<T> {
    tenant: T,
    user: Option<String>,
}

async fn handler() -> usize {
    let tenant = RequestCtx::<u64>::with(|ctx| *ctx.tenant());
    let user = RequestCtx::<u64>::current().user().cloned();
    tenant as usize + user.map_or(0, |user| user.len())
}

#[tokio::main]
async fn main() {
    let ctx = RequestCtx::builder().tenant(7_u64).user("alice".to_owned()).build();
    println!("{ctx:?} {}", ctx.tenant());
    let _ = ctx.scope(handler()).await;
}
