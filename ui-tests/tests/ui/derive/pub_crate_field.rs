// A `pub(crate)` field is refused just like `pub`: any visibility on a field is an error.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    pub(crate) tenant: u64,
}

fn main() {
    let _ = RequestCtx::builder().tenant(7).build();
}
