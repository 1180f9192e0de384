// A flag takes no value: `#[context(log = true)]` is refused, `#[context(log)]` is the form.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(log = true)]
    tenant: u64,
}

fn main() {}
