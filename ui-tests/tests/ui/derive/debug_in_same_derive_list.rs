// `#[derive(Debug, RequestContext)]`: a derive macro cannot see the other derives of its own list, so ours cannot refuse `Debug` here; rustc reports the two `Debug` impls as conflicting (E0119).
use context_runtime::RequestContext;

#[derive(Debug, RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    #[context(sensitive)]
    token: String,
}

fn main() {}
