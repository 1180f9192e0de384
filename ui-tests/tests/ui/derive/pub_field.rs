// A `pub` field is refused: it would let code outside the module read around the getter and build the struct by hand.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    pub tenant: u64,
}

fn main() {
    let _ = RequestCtx::builder().tenant(7).build();
}
