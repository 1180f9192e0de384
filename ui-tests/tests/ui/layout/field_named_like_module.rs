// A field named like a module beside the context (`mod tenant`): left unset, the error still names the field `tenant`.
mod tenant {
    pub fn default_id() -> u64 {
        1
    }
}

mod context {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct RequestCtx {
        request_id: String,
        tenant: u64,
    }
}

fn main() {
    let _ = tenant::default_id();
    let _ = context::RequestCtx::builder()
        .request_id("r-1".to_owned())
        .build();
}
