// A raw identifier does not sneak a reserved name past the check.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    r#builder: u64,
}

fn main() {}
