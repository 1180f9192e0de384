// The derive refuses a tuple struct: getters and setters are named after fields.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx(u64, String);

fn main() {}
