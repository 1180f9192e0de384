// `sensitive` and `log` contradict each other: a secret never goes on a log line.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(sensitive, log)]
    token: String,
}

fn main() {}
