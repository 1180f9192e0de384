// A function that hands out a `Cell` (`Box<dyn Fn() -> Cell<u8>>`, `fn() -> &'static AtomicU64`) is refused: the check looks into function signatures, where a handle to shared state could hide.
use context_runtime::RequestContext;
use std::cell::Cell;
use std::sync::atomic::AtomicU64;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    make: Box<dyn Fn() -> Cell<u8> + Send + Sync>,
    counter: fn() -> &'static AtomicU64,
}

fn main() {}
