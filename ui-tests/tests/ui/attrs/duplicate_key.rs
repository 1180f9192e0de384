// The same key twice on one field is refused.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(sensitive, sensitive)]
    token: String,
}

fn main() {}
