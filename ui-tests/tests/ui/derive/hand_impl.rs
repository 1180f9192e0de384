// `RequestContext` cannot be implemented by hand: only the derive implements it, after checking
// that the type is frozen. This impl would smuggle a `Mutex` into a context.
use context_runtime::{Current, RequestContext};

struct Counter {
    hits: std::sync::Mutex<u64>,
}

tokio::task_local! {
    static COUNTER: Current<Counter>;
}

impl RequestContext for Counter {
    fn __storage() -> &'static tokio::task::LocalKey<Current<Self>> {
        &COUNTER
    }
}

fn main() {
    let _ = Counter { hits: std::sync::Mutex::new(0) }.hits;
}
