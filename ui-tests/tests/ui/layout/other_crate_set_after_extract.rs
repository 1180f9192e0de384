// A context declared in another crate: its propagated `request_id` comes from `extract`, and setting it again is refused.
use std::collections::HashMap;

use context_runtime::CarrierError;
use context_ui_tests::contexts::RequestCtx;

fn main() -> Result<(), CarrierError> {
    let carrier: HashMap<String, String> = HashMap::new();
    let _ = RequestCtx::extract(&carrier)?
        .request_id("r-1".to_owned())
        .tenant(7)
        .build();
    Ok(())
}
