// `sensitive`, `log` and `propagate` are accepted; `Debug` prints sensitive fields as the redaction marker.
use context_runtime::{REDACTED, RequestContext};

/// A secret type with no `Debug` impl: fine on a `sensitive` field, which `Debug` never prints.
pub struct ApiKey(String);

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(log, propagate)]
    request_id: String,
    #[context(log)]
    tenant: u64,
    #[context(propagate)]
    trace_id: Option<String>,
    #[context(sensitive)]
    token: String,
    #[context(sensitive, default = ApiKey("k".to_owned()))]
    api_key: ApiKey,
    #[context(log)]
    #[context(default = 2)]
    attempt: u32,
}

fn main() {
    let ctx = RequestCtx::builder()
        .request_id("r-1".to_owned())
        .tenant(7)
        .token("s3cr3t".to_owned())
        .build();
    let printed = format!("{ctx:?}");
    assert_eq!(
        printed,
        format!(
            "RequestCtx {{ request_id: \"r-1\", tenant: 7, trace_id: None, token: {REDACTED}, \
             api_key: {REDACTED}, attempt: 2 }}"
        )
    );
    assert!(!printed.contains("s3cr3t"));
    // `sensitive` only hides the value from `Debug`: code reads it through the getter.
    assert_eq!(ctx.token(), "s3cr3t");
    assert_eq!(ctx.api_key().0, "k");
    assert_eq!(ctx.trace_id(), None);

    // The handle prints the value, redacted the same way.
    let from_handle = ctx.sync_scope(|| format!("{:?}", RequestCtx::current()));
    assert_eq!(from_handle, printed);
}
