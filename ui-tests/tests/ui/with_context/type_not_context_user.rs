// A named struct of the user's that does not derive `RequestContext` is refused at its name, even in a function that spawns nothing.
use context_runtime::with_context;

pub struct RequestCtx {
    pub request_id: String,
}

#[with_context(RequestCtx)]
async fn enqueue() -> u64 {
    1
}

fn main() {
    let _ = enqueue();
    let _ = RequestCtx {
        request_id: String::new(),
    }
    .request_id;
}
