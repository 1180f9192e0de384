// A field named `build` would clash with the builder's `build()`.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    build: u64,
}

fn main() {}
