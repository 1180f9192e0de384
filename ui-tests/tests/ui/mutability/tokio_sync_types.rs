// tokio's locks, cells and signals are refused, each in the same compile.
use context_runtime::RequestContext;
use tokio::sync::{Mutex, Notify, OnceCell, RwLock, Semaphore, SetOnce};

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    lock: Mutex<u8>,
    shared: RwLock<u8>,
    limit: Semaphore,
    wake: Notify,
    user: OnceCell<String>,
    plan: SetOnce<String>,
}

fn main() {}
