// The derive declares `RequestCtxBuilder` beside `RequestCtx`: a user type of that name in the same module clashes with it.
use context_runtime::RequestContext;

pub struct RequestCtxBuilder {
    pub tenant: u64,
}

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() {
    let _ = RequestCtxBuilder { tenant: 7 };
    let _ = RequestCtx::builder().tenant(7).build();
}
