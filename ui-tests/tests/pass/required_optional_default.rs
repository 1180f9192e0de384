// Required, `Option`, `default` and `default = expr` fields: what may be left unset, and what the getters return.
use context_runtime::RequestContext;

fn default_region() -> String {
    "eu-west-1".to_owned()
}

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    user: Option<String>,
    trace: std::option::Option<u64>,
    #[context(default)]
    attempt: u32,
    #[context(default = 3)]
    max_attempts: u32,
    #[context(default = default_region())]
    region: String,
}

fn main() {
    // Only the required field set: every other field falls back.
    let ctx = RequestCtx::builder().request_id("r-1".to_owned()).build();
    assert_eq!(ctx.request_id(), "r-1");
    assert_eq!(ctx.user(), None);
    assert_eq!(ctx.trace(), None);
    assert_eq!(*ctx.attempt(), 0);
    assert_eq!(*ctx.max_attempts(), 3);
    assert_eq!(ctx.region(), "eu-west-1");

    // Every field set: the given values win over the defaults.
    let ctx = RequestCtx::builder()
        .request_id("r-2".to_owned())
        .user("alice".to_owned())
        .trace(99)
        .attempt(2)
        .max_attempts(5)
        .region("us-east-1".to_owned())
        .build();
    let user: Option<&String> = ctx.user();
    assert_eq!(user.map(String::as_str), Some("alice"));
    assert_eq!(ctx.trace(), Some(&99));
    assert_eq!(*ctx.attempt(), 2);
    assert_eq!(*ctx.max_attempts(), 5);
    assert_eq!(ctx.region(), "us-east-1");

    // `maybe_<field>` takes the `Option` itself: `Some` sets it, `None` leaves it unset.
    let ctx = RequestCtx::builder()
        .request_id("r-3".to_owned())
        .maybe_user(Some("bob".to_owned()))
        .maybe_trace(None)
        .build();
    assert_eq!(ctx.user().map(String::as_str), Some("bob"));
    assert_eq!(ctx.trace(), None);
    let ctx = RequestCtx::builder()
        .maybe_user(None)
        .request_id("r-4".to_owned())
        .build();
    assert_eq!(ctx.user(), None);
}
