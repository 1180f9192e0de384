// An `AtomicU64` field is refused: every `Atomic*` type mutates through `&`.
use context_runtime::RequestContext;
use std::sync::atomic::AtomicU64;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    hits: AtomicU64,
}

fn main() {}
