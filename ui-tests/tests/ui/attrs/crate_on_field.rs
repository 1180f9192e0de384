// `crate = path` on a field is refused: it belongs on the struct.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(crate = context_runtime)]
    tenant: u64,
}

fn main() {}
