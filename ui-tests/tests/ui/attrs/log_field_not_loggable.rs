// A `#[context(log)]` field must have a type that can go on log lines.
use context_runtime::RequestContext;

#[derive(Debug)]
pub struct Region(u8);

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(log)]
    region: Region,
}

fn main() {}
