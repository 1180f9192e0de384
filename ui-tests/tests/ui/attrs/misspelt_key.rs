// A misspelt key gets a "did you mean" suggestion: `sensitiv` -> `sensitive`.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(sensitiv)]
    token: String,
}

fn main() {}
