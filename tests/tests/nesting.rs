//! Scopes nest: an inner scope of the same type shadows the outer one and the outer value is back
//! afterwards; scopes of different types are independent; a thousand levels work.

use std::future::Future;
use std::pin::Pin;

mod common;
use common::{RequestCtx, TenantCtx, request, request_id};

#[tokio::test]
async fn inner_scope_shadows_then_restores_outer() {
    request("outer")
        .scope(async {
            assert_eq!(request_id().as_deref(), Some("outer"));
            request("inner")
                .scope(async {
                    assert_eq!(request_id().as_deref(), Some("inner"));
                    tokio::task::yield_now().await;
                    assert_eq!(request_id().as_deref(), Some("inner"));
                })
                .await;
            assert_eq!(request_id().as_deref(), Some("outer"));
        })
        .await;
    assert_eq!(request_id(), None);
}

#[test]
fn inner_sync_scope_shadows_then_restores_outer() {
    request("outer").sync_scope(|| {
        request("inner").sync_scope(|| assert_eq!(request_id().as_deref(), Some("inner")));
        assert_eq!(request_id().as_deref(), Some("outer"));
    });
    assert_eq!(request_id(), None);
}

#[tokio::test]
async fn two_context_types_are_independent() {
    let tenant = TenantCtx::builder().tenant(7).build();
    tenant
        .scope(async {
            assert_eq!(
                request_id(),
                None,
                "a TenantCtx scope must not set a RequestCtx"
            );
            request("r-1")
                .scope(async {
                    assert_eq!(TenantCtx::with(|c| *c.tenant()), 7);
                    assert_eq!(request_id().as_deref(), Some("r-1"));
                    TenantCtx::builder()
                        .tenant(8)
                        .build()
                        .scope(async {
                            assert_eq!(TenantCtx::with(|c| *c.tenant()), 8);
                            assert_eq!(
                                request_id().as_deref(),
                                Some("r-1"),
                                "shadowing TenantCtx left RequestCtx alone"
                            );
                        })
                        .await;
                    assert_eq!(TenantCtx::with(|c| *c.tenant()), 7);
                })
                .await;
            assert_eq!(request_id(), None);
        })
        .await;
    assert!(TenantCtx::try_current().is_none());
}

const DEPTH: usize = 1_000;

fn nest_async(depth: usize) -> Pin<Box<dyn Future<Output = usize> + Send>> {
    Box::pin(async move {
        if depth == DEPTH {
            return RequestCtx::with(|c| c.request_id().parse().expect("a number"));
        }
        let seen = request(&depth.to_string())
            .scope(nest_async(depth + 1))
            .await;
        assert_eq!(
            request_id(),
            Some((depth - 1).to_string()),
            "level {depth} restored its parent's value"
        );
        seen
    })
}

#[tokio::test]
async fn a_thousand_nested_async_scopes() {
    let deepest = request("0").scope(nest_async(1)).await;
    assert_eq!(deepest, DEPTH - 1);
    assert_eq!(request_id(), None);
}

fn nest_sync(depth: usize) -> usize {
    if depth == DEPTH {
        return RequestCtx::with(|c| c.request_id().parse().expect("a number"));
    }
    let seen = request(&depth.to_string()).sync_scope(|| nest_sync(depth + 1));
    assert_eq!(request_id(), Some((depth - 1).to_string()));
    seen
}

#[test]
fn a_thousand_nested_sync_scopes() {
    // Deep recursion: run on a thread with a stack that fits a thousand frames in debug builds.
    let deepest = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(|| request("0").sync_scope(|| nest_sync(1)))
        .expect("spawn")
        .join()
        .expect("no panic");
    assert_eq!(deepest, DEPTH - 1);
}
