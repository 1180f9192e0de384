// The context module glob-imported (`use context::*;`, which also brings `RequestCtxBuilder`): `tenant` set twice names `tenant`.
mod context {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct RequestCtx {
        request_id: String,
        tenant: u64,
    }
}

use context::*;

fn main() {
    let builder: RequestCtxBuilder = RequestCtx::builder();
    let _ = builder
        .tenant(7)
        .tenant(8)
        .request_id("r-1".to_owned())
        .build();
}
