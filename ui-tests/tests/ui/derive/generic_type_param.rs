// The derive refuses a struct with a type parameter: each context type needs its own `static` task-local.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx<T> {
    tenant: T,
}

fn main() {}
