// `sealed` on a field is refused: a whole context is sealed, on the struct.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(sealed)]
    tenant: u64,
}

fn main() {}
