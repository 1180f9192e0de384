// A propagated field set twice on a fresh builder (no carrier involved) is "set twice", not "already set by `extract`".
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(propagate)]
    tenant: u64,
    user: String,
}

fn main() {
    let _ = RequestCtx::builder()
        .tenant(7)
        .user("alice".to_owned())
        .tenant(8)
        .build();
}
