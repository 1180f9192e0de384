// A fully-qualified `std::sync::Mutex<u8>` is refused like the imported name.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    hits: std::sync::Mutex<u8>,
}

fn main() {}
