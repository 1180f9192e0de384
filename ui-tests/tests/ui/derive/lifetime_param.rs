// The derive refuses a struct with a lifetime parameter: a context must own its data (`'static`).
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx<'a> {
    user: &'a str,
}

fn main() {}
