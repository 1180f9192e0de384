// A path with a leading `::` (`::std::cell::Cell<u8>`) is refused like `Cell<u8>`.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    hits: ::std::cell::Cell<u8>,
}

fn main() {}
