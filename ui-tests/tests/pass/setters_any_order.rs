// Setters may be called in any order: the builder's type state tracks each field independently.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    tenant: u64,
    user: Option<String>,
    #[context(default = 1)]
    attempt: u32,
}

fn main() {
    let a = RequestCtx::builder()
        .request_id("r-1".to_owned())
        .tenant(7)
        .user("alice".to_owned())
        .attempt(2)
        .build();
    let b = RequestCtx::builder()
        .attempt(2)
        .user("alice".to_owned())
        .tenant(7)
        .request_id("r-1".to_owned())
        .build();
    let c = RequestCtx::builder()
        .tenant(7)
        .attempt(2)
        .request_id("r-1".to_owned())
        .user("alice".to_owned())
        .build();
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    assert_eq!(format!("{b:?}"), format!("{c:?}"));
    assert_eq!(*c.tenant(), 7);

    // A builder is a value: it can be passed around half-built.
    let half = RequestCtx::builder().tenant(8);
    let ctx = half.request_id("r-2".to_owned()).build();
    assert_eq!(*ctx.tenant(), 8);
    assert_eq!(*ctx.attempt(), 1);
}
