// A misspelt key on the struct is refused, with the key it most likely meant.
use context_runtime::RequestContext;

#[derive(RequestContext)]
#[context(seald)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() {}
