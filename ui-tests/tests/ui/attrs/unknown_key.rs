// An unknown `#[context(...)]` key on a field is refused, listing the keys that exist.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(skip)]
    tenant: u64,
}

fn main() {}
