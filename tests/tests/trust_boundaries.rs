//! Trust boundaries over real TCP (features `http` and `tracing`): what a client sends a public
//! edge is not believed, and what we propagate goes only where we trust.
//!
//! Service A is a public edge (`ContextLayer::new`, the default): its context comes from the
//! caller's API key. Service B is an internal hop (`.internal()`): its context comes from the
//! `baggage` A sends through `PropagateLayer`. T is a third party, on the same host as B but
//! another port. Clients send A forged baggage (`tenant`, `user`, `request_id` and an entry of
//! their own): no handler, no internal service and no log line sees any of it; A logs one
//! "client baggage dropped" event per request, with the entry count and never a value; B gets
//! A's fields only; T gets no `baggage` and no `x-request-id`, through the layer or through
//! `Destinations::inject_current`.

#![cfg(all(feature = "http", feature = "tracing"))]

mod logs;
mod served;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::OnceLock;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::routing::get;
use context_runtime::{
    ContextLayer, Destinations, PropagateLayer, PropagateService, RequestContext, RequestId,
};
use http::request::Parts;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use tower::{ServiceBuilder, ServiceExt};

use served::{get_from, serve};

#[derive(RequestContext)]
struct Ctx {
    #[context(log, propagate)]
    request_id: RequestId,
    #[context(log, propagate)]
    tenant: u64,
    #[context(log, propagate)]
    user: String,
}

/// What a forging client sends A, beside its own API key: a tenant, a user and a request id of
/// its choosing, and an entry of its own.
const FORGED: &str = "tenant=999999,user=mallory,request_id=forged-id, vendor=evil";

/// The JSON lines of this binary, captured once for every test in it.
fn lines() -> &'static logs::Lines {
    static LINES: OnceLock<logs::Lines> = OnceLock::new();
    LINES.get_or_init(logs::capture_json)
}

/// The headers a service received, as JSON: `baggage` and `x-request-id` (null when absent).
fn received(headers: &HeaderMap) -> Value {
    let header = |name| headers.get(name).map(|v| v.to_str().expect("visible"));
    json!({ "baggage": header("baggage"), "x-request-id": header("x-request-id") })
}

// ---- B, an internal hop; T, a third party ----------------------------------------------------

fn service_b() -> Router {
    Router::new()
        .route(
            "/",
            get(|headers: HeaderMap| async move {
                tracing::info!("b: handled");
                let (tenant, user) = Ctx::with(|c| (*c.tenant(), c.user().clone()));
                json!({ "tenant": tenant, "user": user, "received": received(&headers) })
                    .to_string()
            }),
        )
        .layer(
            ContextLayer::new(|head: &Parts, _: &RequestId| {
                Ctx::extract(&head.headers).map(CtxBuilder::build)
            })
            .internal(),
        )
}

fn third_party() -> Router {
    Router::new().route(
        "/",
        get(|headers: HeaderMap| async move { received(&headers).to_string() }),
    )
}

// ---- A, the public edge -----------------------------------------------------------------------

type HttpClient = PropagateService<Client<HttpConnector, Empty<Bytes>>>;

#[derive(Clone)]
struct A {
    client: HttpClient,
    b: SocketAddr,
    third_party: SocketAddr,
}

/// The caller's tenant and user, from its API key: the app's own source of the facts.
fn from_api_key(head: &Parts, id: &RequestId) -> Result<Ctx, StatusCode> {
    let key = head.headers.get("x-api-key").and_then(|v| v.to_str().ok());
    let key = key.ok_or(StatusCode::UNAUTHORIZED)?;
    let tenant = key
        .strip_prefix("key-")
        .and_then(|n| n.parse().ok())
        .ok_or(StatusCode::UNAUTHORIZED)?;
    Ok(Ctx::builder()
        .request_id(id.clone())
        .tenant(tenant)
        .user(format!("user-{tenant}"))
        .build())
}

/// GET `address` through A's propagating client; the JSON body.
async fn call(client: &HttpClient, address: SocketAddr) -> Value {
    let request = Request::get(format!("http://{address}/"))
        .body(Empty::new())
        .expect("request");
    let response = client.clone().oneshot(request).await.expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    serde_json::from_slice(&body).expect("JSON")
}

async fn a_handler(State(a): State<A>, headers: HeaderMap) -> String {
    tracing::info!("a: handling");
    let (tenant, user) = Ctx::with(|c| (*c.tenant(), c.user().clone()));
    let b = call(&a.client, a.b).await;
    let third_party = call(&a.client, a.third_party).await;
    // The helper for carriers that are not an HTTP client's request: a job to B, a webhook to T.
    let ours = Destinations::origins([format!("http://{}", a.b)]).expect("origin");
    let (mut to_b, mut to_t) = (HashMap::new(), HashMap::new());
    let b_uri = format!("http://{}/jobs", a.b).parse().expect("uri");
    let t_uri = format!("http://{}/hook", a.third_party)
        .parse()
        .expect("uri");
    let injected_b = ours.inject_current(&b_uri, &mut to_b).expect("inject");
    let injected_t = ours.inject_current(&t_uri, &mut to_t).expect("inject");
    json!({
        "tenant": tenant,
        "user": user,
        "baggage_seen_by_handler": headers.get("baggage").is_some(),
        "b": b,
        "third_party": third_party,
        "carrier_to_b": [injected_b, to_b.get("baggage")],
        "carrier_to_third_party": [injected_t, to_t.get("baggage")],
    })
    .to_string()
}

fn service_a(b: SocketAddr, third_party: SocketAddr) -> Router {
    let ours = Destinations::origins([format!("http://{b}")]).expect("origin");
    let client = ServiceBuilder::new()
        .layer(PropagateLayer::new(ours))
        .service(Client::builder(TokioExecutor::new()).build_http());
    let naive = Router::new()
        .route("/naive", get(|| async { "served" }))
        .layer(
            // A public edge whose constructor tries to believe the client anyway.
            ContextLayer::new(|head: &Parts, _: &RequestId| {
                Ctx::extract(&head.headers).map(CtxBuilder::build)
            }),
        );
    Router::new()
        .route("/", get(a_handler))
        .with_state(A {
            client,
            b,
            third_party,
        })
        .layer(ContextLayer::new(from_api_key))
        .merge(naive)
}

/// B, T and A on loopback; A's address, and B's.
async fn start() -> (SocketAddr, SocketAddr) {
    lines();
    let b = serve(service_b()).await;
    let third_party = serve(third_party()).await;
    (serve(service_a(b, third_party)).await, b)
}

// ---- the suite --------------------------------------------------------------------------------

/// The log lines (JSON) that carry `request_id`.
fn lines_of(id: &str) -> Vec<Value> {
    lines()
        .text()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("a JSON line"))
        .filter(|line| line["request_id"] == id)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_cannot_choose_its_facts_at_a_public_edge() {
    let (a, _) = start().await;
    let calls = (1..=50u64).map(|tenant| async move {
        let key = format!("key-{tenant}");
        let reply = get_from(a, "/", &[("x-api-key", &key), ("baggage", FORGED)]).await;
        (tenant, reply)
    });
    let replies = futures_join_all(calls).await;
    for (tenant, reply) in &replies {
        assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
        let body = reply.json();
        let user = format!("user-{tenant}");
        assert_eq!(body["tenant"], *tenant, "A's handler: the key's tenant");
        assert_eq!(body["user"], user);
        assert_eq!(body["baggage_seen_by_handler"], false, "removed before it");
        assert_eq!(body["b"]["tenant"], *tenant, "B: A's tenant");
        assert_eq!(body["b"]["user"], user);
        // What B received: A's three fields, nothing the client sent.
        let baggage = format!("request_id={},tenant={tenant},user={user}", reply.id());
        assert_eq!(body["b"]["received"]["baggage"], baggage.as_str());
        assert_eq!(body["b"]["received"]["x-request-id"], reply.id());
        assert_ne!(reply.id(), "forged-id");

        // A logged the drop once, with the count and the id, and no value.
        let lines = lines_of(reply.id());
        let dropped: Vec<_> = lines
            .iter()
            .filter(|line| {
                line["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("client baggage dropped"))
            })
            .collect();
        assert_eq!(dropped.len(), 1, "{lines:?}");
        assert_eq!(dropped[0]["entries"], 4);
        assert_eq!(dropped[0]["level"], "INFO");
        // Every line of the request: A's and B's, with the key's tenant.
        let logged = |message: &str| {
            lines
                .iter()
                .filter(|line| line["message"] == message)
                .map(|line| (line["tenant"].clone(), line["user"].clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(logged("a: handling"), [(json!(tenant), json!(user))]);
        assert_eq!(logged("b: handled"), [(json!(tenant), json!(user))]);
    }
    let text = lines().text();
    for forged in ["mallory", "999999", "forged-id", "evil"] {
        assert!(!text.contains(forged), "`{forged}` in a log line");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_constructor_that_extracts_sees_no_client_baggage() {
    let (a, b) = start().await;
    let baggage = [("baggage", "request_id=r-1,tenant=5,user=u")];
    let refused = get_from(a, "/naive", &baggage).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{refused:?}");
    assert!(refused.body.contains("`tenant`"), "{}", refused.body);
    // The same baggage, sent to the internal hop, is believed: the refusal above is the edge's.
    let believed = get_from(b, "/", &baggage).await;
    assert_eq!(believed.status, StatusCode::OK, "{believed:?}");
    assert_eq!(believed.json()["tenant"], 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_third_party_gets_nothing_of_ours() {
    let (a, _) = start().await;
    let reply = get_from(a, "/", &[("x-api-key", "key-7")]).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    let body = reply.json();
    assert_eq!(
        body["third_party"],
        json!({ "baggage": null, "x-request-id": null }),
        "same host as B, another port: not an allowed origin"
    );
    assert_eq!(body["b"]["received"]["x-request-id"], reply.id());
    // `Destinations::inject_current`, for carriers other than the layer's requests.
    let fields = format!("request_id={},tenant=7,user=user-7", reply.id());
    assert_eq!(body["carrier_to_b"], json!([true, fields]));
    assert_eq!(body["carrier_to_third_party"], json!([false, null]));
}

/// `join_all`, without a dependency on `futures`: each call spawned, awaited in order.
async fn futures_join_all<F>(calls: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = calls.map(tokio::spawn).collect();
    let mut outputs = Vec::with_capacity(handles.len());
    for handle in handles {
        outputs.push(handle.await.expect("call"));
    }
    outputs
}
