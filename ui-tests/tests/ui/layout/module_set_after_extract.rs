// A context in its own module: the handler extracts it and sets the propagated `tenant` again, which `extract` already set.
mod context {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct RequestCtx {
        #[context(propagate)]
        tenant: u64,
        handler: String,
    }
}

mod handlers {
    use std::collections::HashMap;

    use context_runtime::CarrierError;

    use crate::context::RequestCtx;

    pub fn receive(carrier: &HashMap<String, String>) -> Result<RequestCtx, CarrierError> {
        Ok(RequestCtx::extract(carrier)?
            .handler("checkout".to_owned())
            .tenant(7)
            .build())
    }
}

fn main() {
    let _ = handlers::receive(&std::collections::HashMap::new());
}
