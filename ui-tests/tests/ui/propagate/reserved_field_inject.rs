// A field named `inject` is refused: its getter would clash with the generated `inject(&mut carrier)`.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(propagate)]
    inject: String,
}

fn main() {}
