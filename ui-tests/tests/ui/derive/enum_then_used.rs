// After refusing an enum, the derive still emits the `RequestContext` impl and `Debug`, so the uses below type-check: the refusal is the only error.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub enum RequestCtx {
    Anonymous,
    User { id: u64 },
}

#[tokio::main]
async fn main() {
    let ctx = RequestCtx::User { id: 7 };
    let id = ctx
        .scope(async { RequestCtx::with(|ctx| matches!(**ctx, RequestCtx::User { id: 7 })) })
        .await;
    println!("{id} {:?}", RequestCtx::try_current());
    let _ = RequestCtx::Anonymous.sync_scope(RequestCtx::current);
}
