// A `default = expr` of the wrong type is a type error pointing at the expression itself.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(default = "x")]
    attempt: u64,
}

fn main() {
    let _ = RequestCtx::builder().build();
}
