// A qualified path is looked into: `<Vec<Cell<u8>> as IntoIterator>::Item` (which is `Cell<u8>`) is refused at the `Cell` in its self type.
use context_runtime::RequestContext;
use std::cell::Cell;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    item: <Vec<Cell<u8>> as IntoIterator>::Item,
}

fn main() {}
