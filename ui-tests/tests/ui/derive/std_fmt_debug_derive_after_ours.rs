// `#[derive(std::fmt::Debug)]`, the path spelled out, after `#[derive(RequestContext)]` is refused like `#[derive(Debug)]`.
use context_runtime::RequestContext;

#[derive(RequestContext)]
#[derive(std::fmt::Debug)]
pub struct RequestCtx {
    tenant: u64,
    #[context(sensitive)]
    token: String,
}

fn main() {}
