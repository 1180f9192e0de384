// Independent mistakes in one struct (a `pub` field, an unknown key, a `Mutex` field) are all reported in one compile.
use context_runtime::RequestContext;
use std::sync::Mutex;

#[derive(RequestContext)]
pub struct RequestCtx {
    pub tenant: u64,
    #[context(secret)]
    token: String,
    hits: Mutex<u64>,
}

fn main() {}
