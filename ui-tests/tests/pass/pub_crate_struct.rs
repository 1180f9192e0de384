// A `pub(crate)` context type works: the getters and `builder()` take the struct's visibility.
mod app {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub(crate) struct RequestCtx {
        tenant: u64,
    }
}

fn main() {
    let ctx = app::RequestCtx::builder().tenant(7).build();
    assert_eq!(*ctx.tenant(), 7);
    assert_eq!(ctx.sync_scope(|| *app::RequestCtx::current().tenant()), 7);
}
