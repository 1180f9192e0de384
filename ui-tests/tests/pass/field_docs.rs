// Field docs are carried to the getters and setters; undocumented fields get a generated doc, so `missing_docs` stays quiet.
#![deny(missing_docs)]
//! A crate whose context type is public and documented.

use context_runtime::RequestContext;

/// Facts about one request.
#[derive(RequestContext)]
pub struct RequestCtx {
    /// The id the edge assigned to the request.
    ///
    /// Unique per request.
    request_id: String,
    /// The tenant the request acts for.
    #[context(default = 1)]
    tenant: u64,
    user: Option<String>,
}

fn main() {
    let ctx = RequestCtx::builder().request_id("r-1".to_owned()).build();
    assert_eq!(ctx.request_id(), "r-1");
    assert_eq!(*ctx.tenant(), 1);
    assert_eq!(ctx.user(), None);
}
