// A propagated `default` field was settled by `extract` (the carrier's value, or the default): it cannot be set afterwards.
use std::collections::HashMap;

use context_runtime::{CarrierError, RequestContext};

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(propagate, default = 3)]
    max_attempts: u32,
    user: String,
}

fn main() -> Result<(), CarrierError> {
    let carrier: HashMap<String, String> = HashMap::new();
    let _ = RequestCtx::extract(&carrier)?.max_attempts(5).user("alice".into()).build();
    Ok(())
}
