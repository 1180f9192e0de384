// A context without a `#[context(propagate)]` field has nothing to extract: a helper that names `RequestCtxExtractedBuilder` (a hidden alias of the fresh builder there) and calls `extract` gets the one error that says so.
use context_runtime::{Carrier, CarrierError, RequestContext};

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
}

fn from_caller(carrier: &dyn Carrier) -> Result<RequestCtxExtractedBuilder, CarrierError> {
    RequestCtx::extract(carrier)
}

fn main() {
    let _ = from_caller;
}
