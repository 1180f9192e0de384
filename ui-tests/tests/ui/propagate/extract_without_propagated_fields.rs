// `extract` is generated only for a context with `#[context(propagate)]` fields: this one has none.
use std::collections::HashMap;

use context_runtime::{CarrierError, RequestContext};

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() -> Result<(), CarrierError> {
    let carrier: HashMap<String, String> = HashMap::new();
    let _ = RequestCtx::extract(&carrier)?.tenant(7).build();
    Ok(())
}
