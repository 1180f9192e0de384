// Two required fields left unset are both reported, each by name.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    tenant: u64,
    region: String,
}

fn main() {
    let _ = RequestCtx::builder().region("eu".into()).build();
}
