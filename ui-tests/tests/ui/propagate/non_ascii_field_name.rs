// A propagated field is sent under its name, and a W3C baggage key is ASCII: `tenañt` cannot be propagated.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(propagate)]
    tenañt: u64,
}

fn main() {}
