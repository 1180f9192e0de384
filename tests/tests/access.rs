//! Reading the context: getters, the `current()` handle, `with`/`try_with` inside and outside a
//! scope, the builder's optional and default fields, and the redacted `Debug`.

use context_runtime::{Current, REDACTED, RequestContext};

mod common;

/// The context under test.
#[derive(RequestContext)]
pub struct RequestCtx {
    /// The request's id, from `x-request-id` or generated.
    request_id: String,
    tenant: u64,
    user: Option<String>,
    #[context(sensitive)]
    token: String,
    #[context(default)]
    retries: u32,
    #[context(default = String::from("eu-west-1"))]
    region: String,
}

fn build() -> RequestCtx {
    RequestCtx::builder()
        .request_id("r-1".into())
        .tenant(7)
        .token("s3cr3t-token".into())
        .build()
}

#[tokio::test]
async fn the_issue_example_works() {
    let ctx = RequestCtx::builder()
        .request_id("r-1".into())
        .tenant(7)
        .token("t".into())
        .build();
    ctx.scope(async {
        assert_eq!(RequestCtx::with(|c| *c.tenant()), 7);
        assert_eq!(
            RequestCtx::try_with(|c| c.request_id().clone()).as_deref(),
            Some("r-1")
        );
        let c = RequestCtx::current();
        assert!(c.user().is_none());
    })
    .await;
    assert!(RequestCtx::try_current().is_none());
}

#[test]
fn outside_any_scope_the_try_forms_return_none() {
    assert!(RequestCtx::try_current().is_none());
    assert_eq!(RequestCtx::try_with(|c| *c.tenant()), None);
}

#[test]
#[should_panic(expected = "no RequestCtx is set on this task: enter one with `RequestCtx::scope`")]
fn with_outside_any_scope_panics_with_advice() {
    RequestCtx::with(|c| *c.tenant());
}

#[test]
#[should_panic(expected = "use `try_with`/`try_current` where a miss is expected")]
fn current_outside_any_scope_panics_with_advice() {
    let _ = RequestCtx::current();
}

#[test]
fn optional_and_default_fields() {
    let ctx = build();
    assert_eq!(ctx.user(), None);
    assert_eq!(*ctx.retries(), 0);
    assert_eq!(ctx.region(), "eu-west-1");

    let ctx = RequestCtx::builder()
        .region("us-east-2".into())
        .user("alice".into())
        .retries(2)
        .token("t".into())
        .tenant(1)
        .request_id("r-2".into())
        .build();
    assert_eq!(ctx.user().map(String::as_str), Some("alice"));
    assert_eq!(*ctx.retries(), 2);
    assert_eq!(ctx.region(), "us-east-2");

    let with_some = RequestCtx::builder()
        .request_id("r".into())
        .tenant(1)
        .token("t".into())
        .maybe_user(Some("bob".into()))
        .build();
    assert_eq!(with_some.user().map(String::as_str), Some("bob"));
    let with_none = RequestCtx::builder()
        .request_id("r".into())
        .tenant(1)
        .token("t".into())
        .maybe_user(None)
        .build();
    assert_eq!(with_none.user(), None);
}

#[test]
fn debug_redacts_sensitive_fields() {
    let ctx = build();
    let printed = format!("{ctx:?}");
    assert!(!printed.contains("s3cr3t-token"), "{printed}");
    assert!(printed.contains(&format!("token: {REDACTED}")), "{printed}");
    assert!(printed.contains(r#"request_id: "r-1""#), "{printed}");
    let pretty = ctx.sync_scope(|| format!("{:#?}", RequestCtx::current()));
    assert!(!pretty.contains("s3cr3t-token"), "{pretty}");
    assert!(pretty.contains("tenant: 7"), "{pretty}");
}

#[tokio::test]
async fn current_is_a_shared_handle_that_outlives_its_scope() {
    let (first, second) = build()
        .scope(async { (RequestCtx::current(), RequestCtx::current()) })
        .await;
    assert!(
        Current::ptr_eq(&first, &second),
        "both reads share one value"
    );
    assert!(RequestCtx::try_current().is_none());
    // The handle keeps the value alive and can re-enter it, on another task too.
    let again = tokio::spawn(first.clone().scope(async { RequestCtx::current() }))
        .await
        .expect("no panic");
    assert!(Current::ptr_eq(&first, &again));
    assert_eq!(again.request_id(), "r-1");
    let other = build().sync_scope(RequestCtx::current);
    assert!(
        !Current::ptr_eq(&first, &other),
        "equal values built twice are distinct"
    );
}

#[test]
fn scoped_futures_are_send_when_their_inner_future_is() {
    fn assert_send<T: Send>(_: &T) {}
    let fut = build().scope(async { RequestCtx::with(|c| *c.tenant()) });
    assert_send(&fut);
    assert_send(&RequestCtx::try_current());
}

#[test]
fn a_read_outside_any_scope_panics_at_the_callers_line() {
    // The panic names the line that read, not a line of the runtime: that is where the scope or
    // the `#[with_context]` is missing. (Other tests of this binary panic with the same message
    // at other lines, meanwhile: the lines below are looked for among what was recorded.) The
    // inherent reads and the trait's (generic code) alike.
    let panics = common::ExpectedPanics::install(|message| message.starts_with("no RequestCtx"));
    let with_line = line!() + 1;
    let with = std::panic::catch_unwind(|| RequestCtx::with(|c| *c.tenant()));
    let current_line = line!() + 1;
    let current = std::panic::catch_unwind(|| RequestCtx::current().request_id().clone());
    let trait_line = line!() + 1;
    let by_trait = std::panic::catch_unwind(|| <RequestCtx as RequestContext>::with(|_| ()));
    let seen = panics.seen();
    drop(panics);
    assert!(
        with.is_err() && current.is_err() && by_trait.is_err(),
        "every read panics outside a scope"
    );
    for (read, line) in [
        ("with", with_line),
        ("current", current_line),
        ("RequestContext::with", trait_line),
    ] {
        let at = format!("panicked at {}:{line}:", file!());
        let panic = seen.iter().find(|panic| panic.starts_with(&at));
        let panic =
            panic.unwrap_or_else(|| panic!("`{read}` did not panic at its caller, {at}: {seen:?}"));
        // Both fixes are named: a scope at the edge, and a spawn that carries the context.
        for fix in [
            "`RequestCtx::scope`",
            "`#[with_context]`",
            "`context_runtime::spawn`",
        ] {
            assert!(
                panic.contains(fix),
                "the panic of `{read}` does not name {fix}: {panic}"
            );
        }
    }
}
