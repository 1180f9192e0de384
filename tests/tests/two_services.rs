//! Two services end to end (features `http` and `tracing`): service A (axum behind
//! `ContextLayer`, its context from the request's `x-request-id`, `x-tenant` and a sensitive
//! `authorization`) calls service B (axum behind `ContextLayer` with `extract`) over real HTTP on
//! loopback, through hyper-util's client wrapped in `PropagateLayer`. With 200 concurrent
//! requests through A, B reads each one's own request id and tenant four calls deep, logs them
//! on every line, and receives them in a `baggage` header next to A's own baggage entries and
//! the entries A received from its client (forwarded, but the malformed one), with no mix-ups;
//! one request id across both services: A's (the client's, when it sent a valid one) is echoed
//! by A and by B and is on every line both log; the sensitive token is in no header B received
//! and in no log line; a request to B without (good) baggage, including one sent through the
//! propagating client outside any context, is refused with 400 naming the field, before any
//! handler runs, while a malformed entry of another producer is left out, never a refusal; a
//! request with several fields in error gets one 400 naming them all.

#![cfg(all(feature = "http", feature = "tracing"))]

mod logs;
mod served;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::OnceLock;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode};
use axum::routing::get;
use context_runtime::{
    Baggage, ContextLayer, Destinations, PropagateLayer, PropagateService, RequestContext,
    RequestId,
};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use served::serve;
use tower::{ServiceBuilder, ServiceExt};

const REQUESTS: u64 = 200;

/// Service A's context, from the incoming request.
#[derive(RequestContext)]
struct Ctx {
    #[context(log, propagate)]
    request_id: RequestId,
    #[context(log, propagate)]
    tenant: u64,
    #[context(sensitive)]
    token: String,
}

/// Service B's context: A's request id and tenant from the `baggage`, and the id B's
/// `ContextLayer` chose for the hop (A's too: `PropagateLayer` sends it as `x-request-id`).
#[derive(RequestContext)]
struct DownstreamCtx {
    #[context(log, propagate)]
    request_id: RequestId,
    #[context(log, propagate)]
    tenant: u64,
    #[context(log)]
    hop_id: RequestId,
}

/// A's HTTP client: every request it sends inside a context carries the context's baggage.
type HttpClient = PropagateService<Client<HttpConnector, Empty<Bytes>>>;

fn http_client() -> Client<HttpConnector, Empty<Bytes>> {
    Client::builder(TokioExecutor::new()).build_http()
}

fn propagating_client() -> HttpClient {
    ServiceBuilder::new()
        // B is ours, on loopback
        .layer(PropagateLayer::new(Destinations::matching(|uri| {
            uri.host() == Some("127.0.0.1")
        })))
        .service(http_client())
}

/// The JSON lines of this binary, captured once for every test in it.
fn lines() -> &'static logs::Lines {
    static LINES: OnceLock<logs::Lines> = OnceLock::new();
    LINES.get_or_init(logs::capture_json)
}

// ---- service B --------------------------------------------------------------------------------

/// B's handler: what B's context says, four calls deep, and the headers B received.
async fn quote(Path(order): Path<u64>, headers: HeaderMap) -> String {
    let baggage = headers.get("baggage").and_then(|v| v.to_str().ok());
    tracing::info!(
        service = "b",
        order,
        depth = 1,
        baggage,
        "b: quote requested"
    );
    let seen = price(order).await;
    let headers: BTreeMap<&str, Vec<&str>> =
        headers.keys().fold(BTreeMap::new(), |mut all, name| {
            let values = headers.get_all(name).iter();
            let values = values.map(|v| v.to_str().unwrap_or("<not visible ASCII>"));
            all.insert(name.as_str(), values.collect());
            all
        });
    json!({
        "order": order,
        "seen": seen,
        "a_context_visible": Ctx::try_current().is_some(),
        "headers": headers,
    })
    .to_string()
}

async fn price(order: u64) -> Value {
    tracing::info!(service = "b", order, depth = 2, "b: pricing");
    tokio::task::yield_now().await;
    catalogue(order).await
}

async fn catalogue(order: u64) -> Value {
    tracing::info!(service = "b", order, depth = 3, "b: catalogue lookup");
    tokio::task::yield_now().await;
    rate(order)
}

fn rate(order: u64) -> Value {
    tracing::info!(service = "b", order, depth = 4, "b: rated");
    DownstreamCtx::with(|c| {
        json!({
            "request_id": c.request_id().as_str(),
            "tenant": c.tenant(),
            "hop_id": c.hop_id().as_str(),
        })
    })
}

fn service_b() -> Router {
    Router::new().route("/quote/{order}", get(quote)).layer(
        ContextLayer::new(|head: &http::request::Parts, id: &RequestId| {
            DownstreamCtx::extract(&head.headers).map(|b| b.hop_id(id.clone()).build())
        })
        .internal(),
    )
}

// ---- service A --------------------------------------------------------------------------------

#[derive(Clone)]
struct A {
    client: HttpClient,
    b: SocketAddr,
}

/// A's handler: asks B for a quote, returns its own view, B's answer and the id B echoed.
async fn checkout(State(a): State<A>, Path(order): Path<u64>) -> Result<String, StatusCode> {
    tracing::info!(service = "a", order, "a: checkout");
    let (quote, b_echoed) = ask_b(&a, order).await?;
    let (request_id, tenant) = Ctx::with(|c| (c.request_id().to_string(), *c.tenant()));
    Ok(json!({
        "request_id": request_id,
        "tenant": tenant,
        "b": quote,
        "b_echoed": b_echoed,
    })
    .to_string())
}

/// The call to B: no context parameter, and A's own baggage entry kept next to the context's.
async fn ask_b(a: &A, order: u64) -> Result<(Value, Option<String>), StatusCode> {
    let request = Request::get(format!("http://{}/quote/{order}", a.b))
        .header("baggage", "origin=checkout")
        .body(Empty::new())
        .expect("a request");
    let response = a.client.clone().oneshot(request).await.map_err(|error| {
        tracing::error!(service = "a", order, %error, "a: B unreachable");
        StatusCode::BAD_GATEWAY
    })?;
    if response.status() != StatusCode::OK {
        tracing::error!(service = "a", order, status = %response.status(), "a: B refused");
        return Err(StatusCode::BAD_GATEWAY);
    }
    let echoed = response.headers().get("x-request-id");
    let echoed = echoed.and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = response.into_body().collect().await;
    let body = body.map_err(|_| StatusCode::BAD_GATEWAY)?.to_bytes();
    let quote = serde_json::from_slice(&body).map_err(|_| StatusCode::BAD_GATEWAY)?;
    Ok((quote, echoed))
}

fn service_a(b: SocketAddr) -> Router {
    Router::new()
        .route("/checkout/{order}", get(checkout))
        .with_state(A {
            client: propagating_client(),
            b,
        })
        .layer(
            ContextLayer::new(
                |head: &http::request::Parts, id: &RequestId| -> Result<Ctx, StatusCode> {
                    let header = |name| head.headers.get(name).and_then(|v| v.to_str().ok());
                    let tenant = header("x-tenant").and_then(|tenant| tenant.parse().ok());
                    let tenant = tenant.ok_or(StatusCode::BAD_REQUEST)?;
                    Ok(Ctx::builder()
                        .request_id(id.clone())
                        .tenant(tenant)
                        .token(header("authorization").unwrap_or_default().to_owned())
                        .build())
                },
            )
            // A's caller plays an upstream service of ours: its baggage is forwarded to B.
            .internal(),
        )
}

/// Starts B, then A calling B; returns both addresses.
async fn start() -> (SocketAddr, SocketAddr) {
    let b = serve(service_b()).await;
    let a = serve(service_a(b)).await;
    (a, b)
}

// ---- the test client --------------------------------------------------------------------------

fn secret(i: u64) -> String {
    format!("Bearer s3cr3t-{i:04}-never-forwarded")
}

fn tenant(i: u64) -> u64 {
    i % 5 + 1
}

/// The `x-request-id` sent to A: none (A makes one), a plain one, or one full of the characters
/// baggage must percent-encode.
fn incoming_id(i: u64) -> Option<String> {
    match i % 3 {
        0 => None,
        1 => Some(format!("client-{i}")),
        _ => Some(format!("id,{i};p=%41\"\\x")),
    }
}

/// Request headers, as name-value pairs.
type Headers<'a> = &'a [(&'a str, &'a str)];

struct Answer {
    status: StatusCode,
    echoed: Option<String>,
    body: String,
}

async fn send(
    client: &Client<HttpConnector, Empty<Bytes>>,
    url: String,
    headers: &[(&str, &str)],
) -> Answer {
    let mut request = Request::get(url).body(Empty::new()).expect("a request");
    for (name, value) in headers {
        request.headers_mut().append(
            http::HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
            HeaderValue::from_str(value).expect("a header value"),
        );
    }
    let response = client.request(request).await.expect("a response");
    let status = response.status();
    let echoed = response
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().expect("ascii").to_owned());
    let body = response.into_body().collect().await.expect("a body");
    let body = String::from_utf8(body.to_bytes().to_vec()).expect("utf-8");
    Answer {
        status,
        echoed,
        body,
    }
}

/// Request `i` of the test client to A: its tenant, its token, its own baggage (one entry not
/// in the W3C format) and, for two in three, an `x-request-id`.
async fn checkout_at(
    client: &Client<HttpConnector, Empty<Bytes>>,
    a: SocketAddr,
    i: u64,
) -> Answer {
    let tenant = tenant(i).to_string();
    let secret = secret(i);
    let id = incoming_id(i);
    // Baggage of the client's own, with one entry not in the W3C format.
    let baggage = format!("vendor=acme-{i},bad=not encoded");
    let mut headers = vec![
        ("x-tenant", tenant.as_str()),
        ("authorization", secret.as_str()),
        ("baggage", baggage.as_str()),
    ];
    if let Some(id) = &id {
        headers.push(("x-request-id", id.as_str()));
    }
    let url = format!("http://{a}/checkout/{i}");
    send(client, url, &headers).await
}

/// The captured JSON lines of `service` about an order for which `keep` holds.
fn lines_of(service: &str, keep: impl Fn(u64) -> bool) -> Vec<Value> {
    lines()
        .text()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("every line is JSON"))
        .filter(|line| line["service"] == service && line["order"].as_u64().is_some_and(&keep))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn b_sees_each_request_of_a_as_its_own() {
    lines();
    let (a, _) = start().await;
    let client = http_client();
    let mut requests = tokio::task::JoinSet::new();
    for i in 0..REQUESTS {
        let client = client.clone();
        requests.spawn(async move { (i, checkout_at(&client, a, i).await) });
    }
    let mut answers = HashMap::new();
    while let Some(done) = requests.join_next().await {
        let (i, answer) = done.expect("a client task");
        answers.insert(i, answer);
    }

    let mut hop_ids = HashMap::new();
    for (i, answer) in &answers {
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let echoed = answer.echoed.as_deref().expect("A echoes its request id");
        if let Some(id) = incoming_id(*i) {
            assert_eq!(echoed, id, "a valid incoming id is kept");
        }
        let body: Value = serde_json::from_str(&answer.body).expect("JSON");
        assert_eq!(body["request_id"], echoed);
        assert_eq!(body["tenant"], tenant(*i));

        let b = &body["b"];
        assert_eq!(b["order"], *i, "B answered this request");
        assert_eq!(b["seen"]["request_id"], echoed, "B saw A's request id");
        assert_eq!(b["seen"]["tenant"], tenant(*i), "B saw A's tenant");
        assert_eq!(b["seen"]["hop_id"], echoed, "B adopted A's id");
        assert_eq!(body["b_echoed"], echoed, "B echoed A's id");
        assert_eq!(b["a_context_visible"], false, "B got it over the wire");

        // What B received: the context's fields, then A's own baggage entry, then what A's
        // client sent (forwarded; its malformed entry left out), exactly; no token anywhere.
        let headers: BTreeMap<String, Vec<String>> =
            serde_json::from_value(b["headers"].clone()).expect("headers");
        let [baggage] = headers["baggage"].as_slice() else {
            panic!("one baggage header: {headers:?}")
        };
        let baggage = Baggage::parse_strict(baggage).expect("valid baggage");
        let tenant = tenant(*i).to_string();
        let vendor = format!("acme-{i}");
        assert_eq!(
            baggage.iter().collect::<Vec<_>>(),
            [
                ("request_id", echoed),
                ("tenant", &tenant),
                ("origin", "checkout"),
                ("vendor", &vendor),
            ]
        );
        assert!(!headers.contains_key("authorization"), "{headers:?}");
        let secret = secret(*i);
        let token_part = secret.trim_start_matches("Bearer ");
        for (name, values) in &headers {
            for value in values {
                assert!(
                    !value.contains(token_part),
                    "B received the token in `{name}`"
                );
            }
        }
        let hop_id = b["seen"]["hop_id"].as_str().expect("a hop id").to_owned();
        hop_ids.insert(*i, hop_id);
    }

    // Every line B logged carries the request id and tenant of the A request it served, and
    // the same id as the hop's own.
    let b_lines = lines_of("b", |order| order < REQUESTS);
    assert_eq!(
        b_lines.len(),
        usize::try_from(REQUESTS * 4).expect("small"),
        "four B lines a request"
    );
    for line in &b_lines {
        let order = line["order"].as_u64().expect("filtered");
        let echoed = answers[&order].echoed.as_deref().expect("echoed");
        assert_eq!(line["request_id"], echoed, "{line}");
        assert_eq!(line["tenant"], tenant(order), "{line}");
        assert_eq!(line["hop_id"], hop_ids[&order].as_str(), "{line}");
        assert_eq!(line["hop_id"], echoed, "{line}");
    }
    let a_lines = lines_of("a", |order| order < REQUESTS);
    assert_eq!(a_lines.len(), usize::try_from(REQUESTS).expect("small"));
    for line in &a_lines {
        let order = line["order"].as_u64().expect("filtered");
        let echoed = answers[&order].echoed.as_deref().expect("echoed");
        assert_eq!(line["request_id"], echoed, "{line}");
        assert!(line.get("hop_id").is_none(), "{line}");
    }

    let output = lines().text();
    assert!(!output.contains("s3cr3t"), "a token was logged");
    println!(
        "two services: {REQUESTS} concurrent requests through A to B, {} B lines, all under their own A request",
        b_lines.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn b_refuses_requests_without_good_baggage() {
    lines();
    let (a, b) = start().await;
    let client = http_client();

    let cases: [(u64, Headers<'_>, &str); 6] = [
        (1_000, &[], "`request_id`"),
        (1_001, &[("baggage", "request_id=r-1")], "`tenant`"),
        (
            1_002,
            &[("baggage", "request_id=r-2,tenant=acme")],
            "`tenant` could not be read",
        ),
        (
            1_003,
            &[("baggage", "request_id=not%20valid,tenant=3")],
            "`request_id` could not be read",
        ),
        (
            1_004,
            &[("baggage", "request_id=r-4,tenant=4,request_id=r-5")],
            "`request_id` more than once",
        ),
        (
            1_008,
            &[("baggage", "request_id=r-8 with spaces,tenant=8")],
            "`request_id` could not be read: a baggage value must be percent-encoded",
        ),
    ];
    for (order, headers, names) in cases {
        let answer = send(&client, format!("http://{b}/quote/{order}"), headers).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{order}");
        assert!(answer.body.contains(names), "{order}: {}", answer.body);
        assert!(answer.echoed.is_some(), "a refusal has an id too");
    }

    // The propagating client, used outside any request (a startup task): nothing to inject,
    // so B refuses rather than serving a request of no one.
    let request = Request::get(format!("http://{b}/quote/1005"))
        .body(Empty::new())
        .expect("a request");
    let response = propagating_client()
        .oneshot(request)
        .await
        .expect("sent unchanged");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = response.into_body().collect().await.expect("a body");
    let body = String::from_utf8(body.to_bytes().to_vec()).expect("utf-8");
    assert!(body.contains("`request_id`"), "{body}");

    // A refuses a request without a tenant before calling B.
    let answer = send(&client, format!("http://{a}/checkout/1006"), &[]).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);

    // A good one still goes through, so the refusals above are about the baggage; and so does
    // one next to other producers' entries that are not in the format.
    let answer = send(
        &client,
        format!("http://{b}/quote/1007"),
        &[("baggage", "request_id=r-7,tenant=7")],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let sloppy = "vendor=bad value,request_id=r-9,flag,tenant=9,k(1)=x,q=\"quoted\",p=C:\\temp";
    let answer = send(
        &client,
        format!("http://{b}/quote/1009"),
        &[("baggage", sloppy)],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let body: Value = serde_json::from_str(&answer.body).expect("JSON");
    assert_eq!(body["seen"]["request_id"], "r-9");
    assert_eq!(body["seen"]["tenant"], 9);

    let refused = lines_of("b", |order| {
        (1_000..1_007).contains(&order) || order == 1_008
    });
    assert!(
        refused.is_empty(),
        "a refused request reached B: {refused:?}"
    );
    assert!(lines_of("a", |order| order == 1_006).is_empty());
    assert_eq!(lines_of("b", |order| order == 1_007).len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn b_refuses_a_request_lacking_two_fields_once_naming_both() {
    lines();
    let (_, b) = start().await;
    let client = http_client();

    let cases: [(u64, Headers<'_>, &[&str]); 3] = [
        (
            1_010,
            &[],
            &["`request_id` is missing", "`tenant` is missing"],
        ),
        (
            1_011,
            &[("baggage", "vendor=acme,flag")],
            &["`request_id` is missing", "`tenant` is missing"],
        ),
        (
            1_012,
            &[("baggage", "tenant=acme")],
            &[
                "`request_id` is missing",
                "`tenant` is invalid (invalid digit found in string)",
            ],
        ),
    ];
    for (order, headers, named) in cases {
        let answer = send(&client, format!("http://{b}/quote/{order}"), headers).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{order}");
        assert!(
            answer
                .body
                .starts_with("the carrier's `request_id` and `tenant` could not be read: "),
            "{order}: {}",
            answer.body
        );
        for named in named {
            assert!(answer.body.contains(named), "{order}: {}", answer.body);
        }
        assert!(answer.echoed.is_some(), "a refusal has an id too");
    }
    assert!(
        lines_of("b", |order| (1_010..=1_012).contains(&order)).is_empty(),
        "a refused request reached B"
    );
}
