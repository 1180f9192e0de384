// The derive refuses an enum: a context is one struct of facts.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub enum RequestCtx {
    Anonymous,
    User { id: u64 },
}

fn main() {}
