// A field named `inject` is refused: its getter would shadow `RequestContext::inject(&mut carrier)`.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(propagate)]
    inject: String,
}

fn main() {}
