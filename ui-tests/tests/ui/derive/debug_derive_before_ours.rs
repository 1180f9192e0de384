// `#[derive(Debug)]` written before `#[derive(RequestContext)]`: a derive macro does not receive the derives above it, so ours cannot refuse it; rustc reports the two `Debug` impls as conflicting (E0119).
use context_runtime::RequestContext;

#[derive(Debug)]
#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    #[context(sensitive)]
    token: String,
}

fn main() {}
