// Two `default`s on one field (across two attributes) are refused.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(default = 1)]
    #[context(default = 2)]
    attempt: u32,
}

fn main() {}
