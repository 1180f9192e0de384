// A field named `scope` is refused: its getter would shadow `RequestContext::scope`.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    scope: String,
}

fn main() {}
