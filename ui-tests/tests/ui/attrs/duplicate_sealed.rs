// `sealed` twice on one struct is refused, across attributes too.
use context_runtime::RequestContext;

#[derive(RequestContext)]
#[context(sealed)]
#[context(sealed)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() {}
