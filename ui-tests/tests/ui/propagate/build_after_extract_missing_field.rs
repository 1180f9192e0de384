// `extract` sets only the propagated fields: the local, required `user` must still be set before `.build()`.
use std::collections::HashMap;

use context_runtime::{CarrierError, RequestContext};

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(propagate)]
    tenant: u64,
    user: String,
}

fn main() -> Result<(), CarrierError> {
    let carrier: HashMap<String, String> = HashMap::new();
    let _ = RequestCtx::extract(&carrier)?.build();
    Ok(())
}
