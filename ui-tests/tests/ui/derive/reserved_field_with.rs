// A field named `with` is refused: its getter would shadow `RequestContext::with` for every caller.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    with: String,
}

fn main() {}
