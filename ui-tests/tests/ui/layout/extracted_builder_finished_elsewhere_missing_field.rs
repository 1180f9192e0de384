// A helper returns `RequestCtxExtractedBuilder` from a carrier; the caller, in another module, builds without the local required `handler`.
mod context {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct RequestCtx {
        #[context(propagate)]
        tenant: u64,
        handler: String,
    }
}

mod edge {
    use std::collections::HashMap;

    use context_runtime::CarrierError;

    use crate::context::{RequestCtx, RequestCtxExtractedBuilder};

    pub fn received(
        carrier: &HashMap<String, String>,
    ) -> Result<RequestCtxExtractedBuilder, CarrierError> {
        RequestCtx::extract(carrier)
    }
}

fn main() -> Result<(), context_runtime::CarrierError> {
    let _ = edge::received(&std::collections::HashMap::new())?.build();
    Ok(())
}
