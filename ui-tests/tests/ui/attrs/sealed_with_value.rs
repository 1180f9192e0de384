// `sealed` is a flag: `#[context(sealed = true)]` is refused, `#[context(sealed)]` is the form.
use context_runtime::RequestContext;

#[derive(RequestContext)]
#[context(sealed = true)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() {}
