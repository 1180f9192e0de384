// A field named like a type in scope (`struct tenant`): set twice, the error still names the field `tenant`.
mod context {
    use context_runtime::RequestContext;

    #[allow(non_camel_case_types, dead_code)]
    pub struct tenant;

    #[derive(RequestContext)]
    pub struct RequestCtx {
        request_id: String,
        tenant: u64,
    }
}

fn main() {
    let _ = context::RequestCtx::builder()
        .tenant(7)
        .request_id("r-1".to_owned())
        .tenant(8)
        .build();
}
