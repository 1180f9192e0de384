// `sensitive` and `propagate` contradict each other: a secret never crosses a process boundary.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(sensitive, propagate)]
    token: String,
}

fn main() {}
