// A field named `extract` is refused: its getter would clash with the generated `RequestCtx::extract(&carrier)`.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(propagate)]
    extract: String,
}

fn main() {}
