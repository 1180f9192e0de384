// A field named `builder` is refused: its getter would clash with the generated `RequestCtx::builder()`.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    builder: String,
}

fn main() {}
