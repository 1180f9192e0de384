//! `#[context(sealed)]`: set once per request. Another value of the type cannot be scoped inside
//! one already set (the tenant a repository filters by cannot be swapped deep in the call tree),
//! while the same value re-entered by spawned work and snapshots is fine. Unsealed types nest.

use std::panic::{AssertUnwindSafe, catch_unwind};

use context_runtime::{RequestContext, Snapshot, with_context};

#[derive(RequestContext)]
#[context(sealed)]
struct TenantCtx {
    tenant: String,
}

#[derive(RequestContext)]
struct TraceCtx {
    span: u32,
}

fn tenant(name: &str) -> TenantCtx {
    TenantCtx::builder().tenant(name.to_owned()).build()
}

fn current_tenant() -> String {
    TenantCtx::with(|c| c.tenant().clone())
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

const RULE: &str = "a TenantCtx is already set here, and TenantCtx is sealed (`#[context(sealed)]`): \
                    another TenantCtx cannot be scoped inside it";

#[test]
fn shadowing_a_sealed_context_in_blocking_code_panics_and_the_request_keeps_its_own() {
    tenant("acme").sync_scope(|| {
        let forged = catch_unwind(|| tenant("other-tenant").sync_scope(current_tenant));
        let message = panic_message(&*forged.unwrap_err());
        assert!(message.starts_with(RULE), "{message}");
        assert_eq!(
            current_tenant(),
            "acme",
            "the request's own tenant is still the one set"
        );
    });
    assert!(
        TenantCtx::try_current().is_none(),
        "and nothing is left after the scope"
    );
}

#[tokio::test]
async fn shadowing_a_sealed_context_in_async_code_panics_before_the_work_runs() {
    let outcome = tenant("acme")
        .scope(async {
            let ran = std::sync::atomic::AtomicBool::new(false);
            let forged = tenant("other-tenant").scope(async {
                ran.store(true, std::sync::atomic::Ordering::SeqCst);
                current_tenant()
            });
            let outcome = futures_catch_unwind(forged).await;
            assert!(
                !ran.load(std::sync::atomic::Ordering::SeqCst),
                "the forged scope ran nothing"
            );
            assert_eq!(current_tenant(), "acme");
            outcome
        })
        .await;
    let message = panic_message(&*outcome.unwrap_err());
    assert!(message.starts_with(RULE), "{message}");
}

#[tokio::test]
async fn another_requests_handle_or_snapshot_cannot_be_entered_inside_either() {
    let other = tenant("other-tenant").sync_scope(TenantCtx::current);
    let snapshot = tenant("other-tenant").sync_scope(Snapshot::capture);
    tenant("acme").sync_scope(|| {
        let by_handle = catch_unwind(AssertUnwindSafe(|| {
            other.clone().sync_scope(current_tenant)
        }));
        assert!(panic_message(&*by_handle.unwrap_err()).starts_with(RULE));
        let by_snapshot = catch_unwind(AssertUnwindSafe(|| {
            snapshot.clone().sync_scope(current_tenant)
        }));
        assert!(panic_message(&*by_snapshot.unwrap_err()).starts_with(RULE));
        assert_eq!(current_tenant(), "acme");
    });
    // Outside any request, the same handle and snapshot enter fine.
    assert_eq!(other.sync_scope(current_tenant), "other-tenant");
    assert_eq!(snapshot.sync_scope(current_tenant), "other-tenant");
}

#[with_context]
async fn spawns() -> [String; 3] {
    let task = tokio::spawn(async { current_tenant() });
    let blocking = tokio::task::spawn_blocking(current_tenant);
    // The same value re-entered inside itself, as a captured handle might be.
    let again = TenantCtx::current().scope(async { current_tenant() }).await;
    [task.await.unwrap(), blocking.await.unwrap(), again]
}

#[tokio::test]
async fn the_same_value_re_entered_by_spawned_work_is_fine() {
    let seen = tenant("acme").scope(spawns()).await;
    assert_eq!(seen, ["acme", "acme", "acme"]);
    let snapshot = tenant("acme").sync_scope(|| {
        let snapshot = Snapshot::capture();
        // Entering the snapshot of the request inside the request itself.
        assert_eq!(snapshot.clone().sync_scope(current_tenant), "acme");
        snapshot
    });
    assert_eq!(snapshot.sync_scope(current_tenant), "acme");
}

#[test]
fn unsealed_contexts_still_nest_and_restore() {
    let seen = TraceCtx::builder().span(1).build().sync_scope(|| {
        let inner = TraceCtx::builder()
            .span(2)
            .build()
            .sync_scope(|| *TraceCtx::current().span());
        (inner, *TraceCtx::current().span())
    });
    assert_eq!(seen, (2, 1));
}

/// `catch_unwind` for a future: polls it inside `catch_unwind`.
async fn futures_catch_unwind<F: Future>(
    fut: F,
) -> Result<F::Output, Box<dyn std::any::Any + Send>> {
    let mut fut = std::pin::pin!(fut);
    std::future::poll_fn(
        move |cx| match catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(cx))) {
            Ok(std::task::Poll::Ready(output)) => std::task::Poll::Ready(Ok(output)),
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Err(payload) => std::task::Poll::Ready(Err(payload)),
        },
    )
    .await
}
