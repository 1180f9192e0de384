// `#[with_context(A, B)]` carries exactly the named context types (named by path or by name): a third context set at the call does not reach the child.
use context_runtime::{RequestContext, with_context};

mod ctx {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct RequestCtx {
        request_id: String,
    }

    #[derive(RequestContext)]
    pub struct TenantCtx {
        tenant: u64,
    }
}

use ctx::TenantCtx;

#[derive(RequestContext)]
pub struct TraceCtx {
    trace_id: u64,
}

type Seen = (Option<String>, Option<u64>, Option<u64>);

fn seen() -> Seen {
    (
        ctx::RequestCtx::try_with(|c| c.request_id().clone()),
        TenantCtx::try_with(|c| *c.tenant()),
        TraceCtx::try_with(|c| *c.trace_id()),
    )
}

#[with_context(ctx::RequestCtx, TenantCtx)]
async fn request_and_tenant() -> (Seen, Seen) {
    (
        tokio::spawn(async { seen() }).await.unwrap(),
        tokio::task::spawn_blocking(seen).await.unwrap(),
    )
}

#[with_context(TraceCtx)]
fn trace_only() -> Seen {
    std::thread::spawn(seen).join().unwrap()
}

#[with_context]
fn everything() -> Seen {
    std::thread::spawn(seen).join().unwrap()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let request = || {
        ctx::RequestCtx::builder()
            .request_id("r-1".to_owned())
            .build()
    };
    let tenant = || TenantCtx::builder().tenant(7).build();
    let trace = || TraceCtx::builder().trace_id(99).build();

    let (task, blocking) = request()
        .scope(tenant().scope(trace().scope(request_and_tenant())))
        .await;
    assert_eq!(task, (Some("r-1".to_owned()), Some(7), None));
    assert_eq!(blocking, (Some("r-1".to_owned()), Some(7), None));

    let all_three =
        |f: fn() -> Seen| request().sync_scope(|| tenant().sync_scope(|| trace().sync_scope(f)));
    assert_eq!(all_three(trace_only), (None, None, Some(99)));
    assert_eq!(
        all_three(everything),
        (Some("r-1".to_owned()), Some(7), Some(99))
    );

    // A named type that is not set at the call is simply absent in the child.
    assert_eq!(
        tenant().scope(request_and_tenant()).await.0,
        (None, Some(7), None)
    );
}
