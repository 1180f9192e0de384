// A `std::cell::Cell` hidden inside a user wrapper is refused: the wrapper is `Send` but not `Sync`.
use context_runtime::RequestContext;

#[derive(Debug)]
pub struct Counter {
    hits: std::cell::Cell<u32>,
}

#[derive(RequestContext)]
pub struct RequestCtx {
    counter: Counter,
}

fn main() {
    let _ = Counter {
        hits: std::cell::Cell::new(0),
    }
    .hits;
}
