// A channel end spelled by its full path through middle modules (`tokio::sync::watch::Receiver`) is refused like the bare name: the check matches the first segment (a known crate) and the last (a known type), whatever is between.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    config: tokio::sync::watch::Receiver<u64>,
}

fn main() {}
