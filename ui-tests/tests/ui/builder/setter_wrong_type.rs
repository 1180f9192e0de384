// A setter takes the field's type: a `&str` for a `u64` field is a type error at the argument.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() {
    let _ = RequestCtx::builder().tenant("7").build();
}
