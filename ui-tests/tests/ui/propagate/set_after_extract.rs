// `extract` already set the propagated `tenant`: setting it again is setting it twice.
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
    let _ = RequestCtx::extract(&carrier)?.tenant(7).user("alice".into()).build();
    Ok(())
}
