// `RequestCtxExtractedBuilder` is declared only for a context with a `#[context(propagate)]` field: this one has none.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
}

fn finish(builder: RequestCtxExtractedBuilder) -> RequestCtx {
    builder.tenant(7).build()
}

fn main() {
    let _ = finish;
}
