// A context declared inside a function body, built there without its required `tenant`.
fn main() {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct RequestCtx {
        request_id: String,
        tenant: u64,
    }

    let _ = RequestCtx::builder().request_id("r-1".to_owned()).build();
}
