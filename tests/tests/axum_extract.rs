//! The axum extractors (feature `axum`), over real TCP: a handler that takes `Current<T>` reads
//! the context `ContextLayer` built for its request, one that takes `RequestId` gets the id the
//! response echoes; two context types are each extracted; without the layer that provides them,
//! both extractors answer 500 with a message naming the type and the fix, and log it at ERROR.

#![cfg(feature = "axum")]

mod served;

use std::io;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use context_runtime::{ContextLayer, Current, RequestContext, RequestId, RequestIdLayer};
use http::request::Parts;
use served::{get_from, serve};

#[derive(RequestContext)]
struct RequestCtx {
    request_id: RequestId,
    tenant: u64,
}

#[derive(RequestContext)]
struct AuthCtx {
    user: String,
}

fn tenant_of(head: &Parts) -> Result<u64, StatusCode> {
    head.headers
        .get("x-tenant")
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .ok_or(StatusCode::BAD_REQUEST)
}

fn request_ctx(head: &Parts, id: &RequestId) -> Result<RequestCtx, StatusCode> {
    Ok(RequestCtx::builder()
        .request_id(id.clone())
        .tenant(tenant_of(head)?)
        .build())
}

fn both_contexts(head: &Parts, id: &RequestId) -> Result<(RequestCtx, AuthCtx), StatusCode> {
    let user = head
        .headers
        .get("x-user")
        .and_then(|v| v.to_str().ok())
        .ok_or(StatusCode::UNAUTHORIZED)?;
    let auth = AuthCtx::builder().user(user.to_owned()).build();
    Ok((request_ctx(head, id)?, auth))
}

async fn tenant(ctx: Current<RequestCtx>) -> String {
    format!("tenant {} request {}", ctx.tenant(), ctx.request_id())
}

async fn request_id(id: RequestId) -> String {
    id.to_string()
}

async fn user(request: Current<RequestCtx>, auth: Current<AuthCtx>) -> String {
    format!("{} of tenant {}", auth.user(), request.tenant())
}

async fn maybe_tenant(ctx: Option<Current<RequestCtx>>) -> String {
    ctx.map_or_else(
        || "none".to_owned(),
        |ctx| format!("tenant {}", ctx.tenant()),
    )
}

fn routes() -> Router {
    Router::new()
        .route("/maybe", get(maybe_tenant))
        .route("/tenant", get(tenant))
        .route("/id", get(request_id))
        .route("/user", get(user))
}

#[tokio::test]
async fn current_reads_the_context_built_by_context_layer() {
    let address = serve(routes().layer(ContextLayer::new(request_ctx))).await;

    let answer = get_from(
        address,
        "/tenant",
        &[("x-tenant", "7"), ("x-request-id", "r-1")],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, "tenant 7 request r-1");

    // Each request its own context.
    let answer = get_from(address, "/tenant", &[("x-tenant", "8")]).await;
    let echoed = answer.id().to_owned();
    assert_eq!(answer.body, format!("tenant 8 request {echoed}"));

    // The layer refuses before the extractor runs.
    let refused = get_from(address, "/tenant", &[]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_optional_context_is_some_behind_the_layer_and_none_without_it() {
    let headers = [("x-tenant", "9")];
    let behind = serve(routes().layer(ContextLayer::new(request_ctx))).await;
    let answer = get_from(behind, "/maybe", &headers).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, "tenant 9");
    let bare = serve(routes()).await;
    let answer = get_from(bare, "/maybe", &headers).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "an optional context is never a rejection"
    );
    assert_eq!(answer.body, "none");
}

#[tokio::test]
async fn request_id_is_the_one_echoed() {
    for app in [
        routes().layer(ContextLayer::new(request_ctx)),
        routes().layer(RequestIdLayer),
    ] {
        let address = serve(app).await;

        let kept = get_from(
            address,
            "/id",
            &[("x-tenant", "7"), ("x-request-id", "r-1")],
        )
        .await;
        assert_eq!(kept.status, StatusCode::OK);
        assert_eq!(kept.body, "r-1");
        assert_eq!(kept.header("x-request-id"), Some("r-1"));

        // A fresh id (none sent, or one not kept): the handler's is the echoed one.
        for headers in [
            &[("x-tenant", "7")][..],
            &[("x-tenant", "7"), ("x-request-id", "a b")],
        ] {
            let fresh = get_from(address, "/id", headers).await;
            assert_eq!(fresh.status, StatusCode::OK);
            assert_eq!(fresh.body.len(), 36, "a UUID v7: {}", fresh.body);
            assert_eq!(Some(fresh.body.as_str()), fresh.header("x-request-id"));
        }
    }
}

#[tokio::test]
async fn two_context_types_are_each_extracted() {
    let address = serve(routes().layer(ContextLayer::new(both_contexts))).await;
    let headers = [
        ("x-tenant", "7"),
        ("x-user", "ada"),
        ("x-request-id", "r-2"),
    ];

    let answer = get_from(address, "/user", &headers).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, "ada of tenant 7");
    // The handlers that take one of them, or the id, see the same request.
    assert_eq!(
        get_from(address, "/tenant", &headers).await.body,
        "tenant 7 request r-2"
    );
    assert_eq!(get_from(address, "/id", &headers).await.body, "r-2");
}

#[tokio::test]
async fn a_context_the_layer_does_not_build_is_a_500_naming_it() {
    // The layer builds `RequestCtx` only: the route that also takes `AuthCtx` is miswired.
    let address = serve(routes().layer(ContextLayer::new(request_ctx))).await;
    let answer = get_from(
        address,
        "/user",
        &[("x-tenant", "7"), ("x-request-id", "r-3")],
    )
    .await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        answer
            .body
            .starts_with("no AuthCtx is set for this request"),
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("`Current<AuthCtx>`"),
        "{}",
        answer.body
    );
    assert!(answer.body.contains("ContextLayer"), "{}", answer.body);
    assert_eq!(
        answer.header("x-request-id"),
        Some("r-3"),
        "the layer still echoes"
    );
}

#[tokio::test]
async fn without_the_layers_both_extractors_answer_500_and_say_why() {
    let lines = Lines::default();
    let writer = lines.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .finish();
    // This test's thread only: the server runs on it (a current-thread runtime).
    let _guard = tracing::subscriber::set_default(subscriber);
    // The other tests of this binary hit the same event sites on their threads, with no
    // subscriber. A site first reached while this subscriber was being registered can keep the
    // interest it computed without it ("never"), and this test's events were then dropped (seen
    // once under a full workspace run). Computed again now, every site sees this subscriber.
    tracing::callsite::rebuild_interest_cache();

    let address = serve(routes()).await;
    let headers = [
        ("x-tenant", "7"),
        ("x-user", "ada"),
        ("x-request-id", "r-4"),
    ];

    for path in ["/tenant", "/user"] {
        let answer = get_from(address, path, &headers).await;
        assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        assert!(
            answer
                .body
                .starts_with("no RequestCtx is set for this request"),
            "{path}: {}",
            answer.body
        );
        assert!(
            answer
                .body
                .contains("needs a `ContextLayer` in front of its route"),
            "{path}: {}",
            answer.body
        );
        assert_eq!(answer.header("x-request-id"), None, "no layer, no echo");
    }

    let answer = get_from(address, "/id", &headers).await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        answer.body.starts_with("this request has no RequestId"),
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("`ContextLayer` or a `RequestIdLayer`"),
        "{}",
        answer.body
    );
    assert!(
        !answer.body.contains("r-4"),
        "the client's id is not echoed"
    );

    let text = lines.text();
    let errors: Vec<&str> = text.lines().filter(|l| l.contains("ERROR")).collect();
    assert_eq!(errors.len(), 3, "one event per 500:\n{text}");
    assert!(
        errors[0].contains("context=\"RequestCtx\""),
        "{}",
        errors[0]
    );
    assert!(errors[2].contains("no RequestId"), "{}", errors[2]);
}

#[tokio::test]
async fn request_id_layer_alone_gives_the_id_not_a_context() {
    let address = serve(routes().layer(RequestIdLayer)).await;
    let headers = [("x-tenant", "7"), ("x-request-id", "r-5")];
    assert_eq!(get_from(address, "/id", &headers).await.body, "r-5");
    let answer = get_from(address, "/tenant", &headers).await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        answer.body.starts_with("no RequestCtx is set"),
        "{}",
        answer.body
    );
    assert_eq!(answer.header("x-request-id"), Some("r-5"));
}

/// Every byte the test's subscriber writes.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl Lines {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("lines")).into_owned()
    }
}

impl io::Write for Lines {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("lines").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
