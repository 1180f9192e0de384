// The derive refuses a unit struct: write `struct RequestCtx {}` for a context with no fields.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx;

fn main() {}
