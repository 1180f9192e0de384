// A field whose type is a macro is refused, at any depth: the derive cannot see what `counter!()` expands to (here a `Mutex`).
use context_runtime::RequestContext;

macro_rules! counter {
    () => {
        std::sync::Mutex<u64>
    };
}

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    hits: counter!(),
    more_hits: Vec<counter!()>,
}

fn main() {}
