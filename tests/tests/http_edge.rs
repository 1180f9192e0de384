//! The HTTP edge end to end (features `http` and `tracing`): an axum service behind
//! `ContextLayer`, over real TCP, driven by a real HTTP client with 1,000 concurrent requests.
//! Every JSON log line a request causes (handler, spawned task, blocking work) carries that
//! request's id and only that; refused requests reach no handler; malformed `x-request-id`
//! values are replaced and never echoed nor logged; sensitive values appear in no line.

#![cfg(all(feature = "http", feature = "tracing"))]

mod logs;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use context_runtime::{ContextLayer, RequestContext, RequestId, with_context};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

const SECRET: &str = "bearer-5e1f-never-logged";
const REQUESTS: u64 = 1_000;

#[derive(RequestContext)]
struct RequestCtx {
    #[context(log)]
    request_id: RequestId,
    #[context(log)]
    tenant: u64,
    #[context(sensitive)]
    token: String,
}

static HANDLED: AtomicU64 = AtomicU64::new(0);

#[with_context]
async fn order(Path(order): Path<u64>) -> String {
    HANDLED.fetch_add(1, Ordering::Relaxed);
    tracing::info!(order, "handler");
    tokio::spawn(async move { tracing::info!(order, "follow-up task") })
        .await
        .expect("task");
    tokio::task::spawn_blocking(move || tracing::info!(order, "blocking work"))
        .await
        .expect("blocking");
    RequestCtx::with(|c| c.request_id().to_string())
}

/// A refusal with a body that says why.
fn refuse(status: StatusCode) -> Response {
    (status, "x-tenant header required").into_response()
}

fn app() -> Router {
    Router::new()
        .route("/orders/{order}", get(order))
        .layer(ContextLayer::new(
            |head: &http::request::Parts, id: &RequestId| -> Result<_, Box<Response>> {
                let tenant = head
                    .headers
                    .get("x-tenant")
                    .and_then(|v| v.to_str().ok()?.parse().ok());
                let tenant = tenant.ok_or_else(|| Box::new(refuse(StatusCode::BAD_REQUEST)))?;
                let token = head
                    .headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                Ok(RequestCtx::builder()
                    .request_id(id.clone())
                    .tenant(tenant)
                    .token(token.to_owned())
                    .build())
            },
        ))
}

/// What a client sends as `x-request-id`.
#[derive(Clone, Debug)]
enum Incoming {
    None,
    Valid(String),
    Malformed(&'static [u8]),
    Twice,
}

const MALFORMED: &[&[u8]] = &[
    b"",
    b"has space",
    b"tab\tinside",
    b"\xc3\xa9-non-ascii",
    &[b'x'; 129],
];

fn incoming(i: u64) -> Incoming {
    match i % 8 {
        0 | 1 => Incoming::None,
        2 => {
            Incoming::Malformed(MALFORMED[usize::try_from(i / 8).expect("small") % MALFORMED.len()])
        }
        3 => Incoming::Twice,
        _ => Incoming::Valid(format!("client-{i}")),
    }
}

/// The responses of `REQUESTS` concurrent requests over TCP: status, echoed id, body.
fn serve_and_request() -> HashMap<u64, (StatusCode, String, String)> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app()).await.expect("serve") });

        let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
        let mut requests = tokio::task::JoinSet::new();
        for i in 0..REQUESTS {
            let client = client.clone();
            requests.spawn(async move {
                let mut request = Request::get(format!("http://{address}/orders/{i}"))
                    .header("authorization", SECRET)
                    .body(Empty::new())
                    .expect("request");
                let headers = request.headers_mut();
                if i % 10 != 9 {
                    headers.insert("x-tenant", HeaderValue::from(i % 5));
                }
                match incoming(i) {
                    Incoming::None => {}
                    Incoming::Valid(id) => {
                        headers.insert("x-request-id", HeaderValue::from_str(&id).expect("valid"));
                    }
                    Incoming::Malformed(bytes) => {
                        headers.insert(
                            "x-request-id",
                            HeaderValue::from_bytes(bytes).expect("sendable"),
                        );
                    }
                    Incoming::Twice => {
                        headers.append("x-request-id", HeaderValue::from_static("first"));
                        headers.append("x-request-id", HeaderValue::from_static("second"));
                    }
                }
                let response = client.request(request).await.expect("response");
                let status = response.status();
                let echoed = response
                    .headers()
                    .get("x-request-id")
                    .expect("always echoed");
                let echoed = echoed.to_str().expect("ascii").to_owned();
                let body = response
                    .into_body()
                    .collect()
                    .await
                    .expect("body")
                    .to_bytes();
                (
                    i,
                    status,
                    echoed,
                    String::from_utf8(body.to_vec()).expect("utf-8"),
                )
            });
        }
        let mut responses = HashMap::new();
        while let Some(done) = requests.join_next().await {
            let (i, status, echoed, body) = done.expect("client task");
            responses.insert(i, (status, echoed, body));
        }
        responses
    })
}

#[test]
fn every_line_a_request_causes_carries_its_id() {
    let lines = logs::capture_json();
    let responses = serve_and_request();
    assert_eq!(responses.len(), usize::try_from(REQUESTS).expect("small"));

    let mut refused = 0;
    for (i, (status, echoed, body)) in &responses {
        if i % 10 == 9 {
            assert_eq!(*status, StatusCode::BAD_REQUEST);
            refused += 1;
            continue;
        }
        assert_eq!(*status, StatusCode::OK);
        assert_eq!(body, echoed, "the handler saw the id the client got back");
        match incoming(*i) {
            Incoming::Valid(id) => assert_eq!(echoed, &id, "a valid incoming id is kept"),
            Incoming::None | Incoming::Twice | Incoming::Malformed(_) => {
                assert!(uuid_v7(echoed), "replaced by a fresh UUID v7: {echoed}");
            }
        }
    }
    assert_eq!(refused, REQUESTS / 10, "every tenth request has no tenant");
    assert_eq!(
        HANDLED.load(Ordering::Relaxed),
        REQUESTS - refused,
        "refused requests reached no handler"
    );

    let output = lines.text();
    assert!(!output.contains(SECRET), "a sensitive value was logged");
    for malformed in [
        "has space",
        "tab\\tinside",
        "non-ascii",
        &"x".repeat(129),
        "first",
        "second",
    ] {
        assert!(
            !output.contains(malformed),
            "a malformed incoming id was logged: {malformed}"
        );
    }
    let mut request_lines = 0;
    for line in output.lines() {
        let line: serde_json::Value = serde_json::from_str(line).expect("every line is JSON");
        let Some(order) = line["order"].as_u64() else {
            continue;
        };
        let (_, echoed, _) = &responses[&order];
        assert_eq!(line["request_id"], echoed.as_str(), "{line}");
        assert_eq!(line["tenant"], order % 5, "{line}");
        request_lines += 1;
    }
    assert_eq!(
        request_lines,
        (REQUESTS - refused) * 3,
        "handler, task and blocking lines"
    );
    println!(
        "http edge: {REQUESTS} requests ({refused} refused), {request_lines} request log lines, all with their own id"
    );
}

fn uuid_v7(id: &str) -> bool {
    id.len() == 36 && id.as_bytes()[14] == b'7'
}
