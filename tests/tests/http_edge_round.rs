//! The HTTP edge round end to end (features `http` and `tracing`), over real TCP: axum routers
//! served on loopback, driven by hyper-util's client, every JSON log line captured.
//!
//! - An awaiting constructor (`ContextLayer::new_async`) looks the tenant up in SQLite on a
//!   blocking thread: an unknown or missing API key is refused with 401, a known one reaches
//!   the handler with its tenant; every line the constructor logs (on the blocking thread too)
//!   carries the request's id, and the request it sends through `PropagateLayer` carries the
//!   request's `x-request-id`. The sync constructor, next to it, gives the same answers.
//! - One request, one id: two contexts from one constructor (a tuple), and two stacked
//!   `ContextLayer`s (sync over sync, sync over async, the inner one refusing), hold the id the
//!   response echoes, with no incoming id to agree on.
//! - The id is in the request's extensions (a handler reads it) and in the response's (an outer
//!   layer reads it), refusals included, with `ContextLayer` or `RequestIdLayer` alone.
//! - `tower_http::trace::TraceLayer`: inside `ContextLayer`, or inside `RequestIdLayer` and
//!   outside `ContextLayer`, every line it emits for a request carries that request's id (its
//!   span's field); outside `ContextLayer` without `RequestIdLayer`, its span cannot know it.
//! - A refusal is one "request refused" event (`request_id`, `status`, `reason`), at the level
//!   `log_refusals` says or none; `refuse_with` answers with the app's problem+json; no value a
//!   request carried (a sensitive token, a malformed baggage value, an API key) is logged.

#![cfg(all(feature = "http", feature = "tracing"))]

mod logs;
mod served;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::Response;
use axum::routing::get;
use context_runtime::{
    CarrierError, ContextLayer, Destinations, PropagateLayer, PropagateService, RequestContext,
    RequestId, RequestIdLayer,
};
use http::request::Parts;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rusqlite::OptionalExtension;
use serde_json::{Value, json};
use served::{Reply, get_from, serve};
use tower::{ServiceBuilder, ServiceExt};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{DefaultOnRequest, DefaultOnResponse, TraceLayer};
use tracing::Level;

// ---- the harness ------------------------------------------------------------------------------

/// The JSON lines of this binary, captured once for every test in it.
fn lines() -> &'static logs::Lines {
    static LINES: OnceLock<logs::Lines> = OnceLock::new();
    LINES.get_or_init(logs::capture_json)
}

/// Every line captured so far, parsed.
fn json_lines() -> Vec<Value> {
    lines()
        .text()
        .lines()
        .map(|line| serde_json::from_str(line).expect("every line is JSON"))
        .collect()
}

fn uuid_v7(id: &str) -> bool {
    id.len() == 36 && id.as_bytes()[14] == b'7'
}

/// The "request refused" events of the request `id`.
fn refusals_of(id: &str) -> Vec<Value> {
    json_lines()
        .into_iter()
        .filter(|line| line["message"] == "request refused" && line["request_id"] == id)
        .collect()
}

/// Asserts that the request `reply` answered was refused and logged once, at `level`.
fn assert_refused_once(reply: &Reply, level: &str, reason: &str) {
    let events = refusals_of(reply.id());
    assert_eq!(events.len(), 1, "one event per refused request: {events:?}");
    let event = &events[0];
    assert_eq!(event["level"], level, "{event}");
    assert_eq!(event["status"], reply.status.as_u16(), "{event}");
    assert_eq!(event["reason"], reason, "{event}");
}

// ---- 1, 2: a tenant looked up in SQLite, awaited or not ---------------------------------------

/// Values a request carries that no log line may hold: API keys.
const ACME_KEY: &str = "sk-acme-51c0-never-logged";
const GLOBEX_KEY: &str = "sk-globex-8e2a-never-logged";
const UNKNOWN_KEY: &str = "sk-bogus-77aa-never-logged";

type Db = Arc<Mutex<rusqlite::Connection>>;

/// A real SQLite database, in memory: the tenants, keyed by API key.
fn tenants_db() -> Db {
    let db = rusqlite::Connection::open_in_memory().expect("sqlite");
    db.execute_batch(
        "CREATE TABLE tenants (api_key TEXT PRIMARY KEY, tenant TEXT NOT NULL);
         INSERT INTO tenants VALUES ('sk-acme-51c0-never-logged', 'acme'),
                                    ('sk-globex-8e2a-never-logged', 'globex');",
    )
    .expect("schema");
    Arc::new(Mutex::new(db))
}

/// The tenant of `key`, by a query (blocking: call it on a blocking thread when awaiting).
fn tenant_of(db: &Db, key: &str) -> Option<String> {
    let db = db.lock().expect("db");
    db.query_row(
        "SELECT tenant FROM tenants WHERE api_key = ?1",
        [key],
        |row| row.get(0),
    )
    .optional()
    .expect("query")
}

/// The caller, looked up by API key.
#[derive(RequestContext)]
struct AccountCtx {
    #[context(log)]
    request_id: RequestId,
    #[context(log)]
    tenant: String,
    #[context(sensitive)]
    api_key: String,
    /// The `x-request-id` the audit service received from the constructor (async form).
    constructor_audit: Option<String>,
}

/// An HTTP client whose requests carry the context on.
type HttpClient = PropagateService<Client<HttpConnector, Empty<Bytes>>>;

fn propagating_client() -> HttpClient {
    ServiceBuilder::new()
        // every service of these tests is ours, on loopback
        .layer(PropagateLayer::new(Destinations::matching(|uri| {
            uri.host() == Some("127.0.0.1")
        })))
        .service(Client::builder(TokioExecutor::new()).build_http())
}

/// The audit service: answers with the `x-request-id` it received ("" without one).
fn audit_service() -> Router {
    Router::new().route(
        "/audit/{who}",
        get(|headers: HeaderMap| async move {
            let id = headers
                .get("x-request-id")
                .map(|v| v.to_str().expect("ascii"));
            id.unwrap_or_default().to_owned()
        }),
    )
}

/// Where the audit service is, and how to reach it.
#[derive(Clone)]
struct Audit {
    client: HttpClient,
    at: SocketAddr,
}

impl Audit {
    /// Tells the audit service, through `PropagateLayer`; the id it received.
    async fn call(&self, who: &str) -> String {
        let request = Request::get(format!("http://{}/audit/{who}", self.at))
            .body(Empty::new())
            .expect("request");
        let response = self.client.clone().oneshot(request).await.expect("audit");
        let body = response.into_body().collect().await.expect("body");
        String::from_utf8(body.to_bytes().to_vec()).expect("utf-8")
    }
}

/// The handler: what the context says, and the id the audit service received from the handler.
async fn whoami(State(audit): State<Audit>) -> String {
    tracing::info!("whoami: handler");
    let handler_audit = audit.call("handler").await;
    AccountCtx::with(|c| {
        json!({
            "request_id": c.request_id().as_str(),
            "tenant": c.tenant(),
            "key_seen": !c.api_key().is_empty(),
            "constructor_audit": c.constructor_audit(),
            "handler_audit": handler_audit,
        })
    })
    .to_string()
}

fn header(head: &Parts, name: &str) -> Option<String> {
    let value = head.headers.get(name)?;
    value.to_str().ok().map(str::to_owned)
}

/// Which request of a run this is (`x-probe`), for the constructor's lines.
fn probe_of(head: &Parts) -> Option<u64> {
    header(head, "x-probe")?.parse().ok()
}

/// The lines the constructor logged for request `i` of the run `form`.
fn constructor_lines<'a>(lines: &'a [Value], form: &str, i: usize) -> Vec<&'a Value> {
    lines
        .iter()
        .filter(|line| {
            line["form"] == form
                && line["probe"] == i
                && line["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("constructor:"))
        })
        .collect()
}

/// The awaiting constructor: the tenant from SQLite on a blocking thread, then an audit call.
fn async_accounts(form: &'static str, db: Db, audit: Audit) -> Router {
    Router::new()
        .route("/whoami", get(whoami))
        .with_state(audit.clone())
        .layer(ContextLayer::new_async(
            move |head: &Parts, id: &RequestId| {
                let (key, probe) = (header(head, "x-api-key"), probe_of(head));
                let (db, audit, id) = (Arc::clone(&db), audit.clone(), id.clone());
                async move {
                    tracing::info!(form, probe, "constructor: looking the key up");
                    let key = key.ok_or(StatusCode::UNAUTHORIZED)?;
                    let lookup = key.clone();
                    let tenant = context_runtime::spawn_blocking(move || {
                        tracing::info!(form, probe, "constructor: sqlite query");
                        tenant_of(&db, &lookup)
                    })
                    .await
                    .expect("lookup");
                    let tenant = tenant.ok_or(StatusCode::UNAUTHORIZED)?;
                    let audited = audit.call("constructor").await;
                    tracing::info!(form, probe, found = %tenant, "constructor: tenant found");
                    Ok::<_, StatusCode>(
                        AccountCtx::builder()
                            .request_id(id)
                            .tenant(tenant)
                            .api_key(key)
                            .constructor_audit(audited)
                            .build(),
                    )
                }
            },
        ))
}

/// The sync constructor: the same lookup, on the request's thread.
fn sync_accounts(db: Db, audit: Audit) -> Router {
    Router::new()
        .route("/whoami", get(whoami))
        .with_state(audit)
        .layer(ContextLayer::new(
            move |head: &Parts, id: &RequestId| -> Result<AccountCtx, StatusCode> {
                let (key, probe) = (header(head, "x-api-key"), probe_of(head));
                tracing::info!(form = "sync", probe, "constructor: looking the key up");
                let key = key.ok_or(StatusCode::UNAUTHORIZED)?;
                let tenant = tenant_of(&db, &key).ok_or(StatusCode::UNAUTHORIZED)?;
                Ok(AccountCtx::builder()
                    .request_id(id.clone())
                    .tenant(tenant)
                    .api_key(key)
                    .build())
            },
        ))
}

/// What request `i` of an accounts run sends: its key (and the tenant it belongs to), and
/// whether it brings its own id.
fn account_request(i: usize) -> (Option<&'static str>, Option<&'static str>, bool) {
    let (key, tenant) = match i % 4 {
        0 => (Some(UNKNOWN_KEY), None),
        1 => (None, None),
        2 => (Some(ACME_KEY), Some("acme")),
        _ => (Some(GLOBEX_KEY), Some("globex")),
    };
    (key, tenant, i.is_multiple_of(3))
}

const ACCOUNT_REQUESTS: usize = 48;

/// Drives `ACCOUNT_REQUESTS` concurrent requests through `app` and checks what the client, the
/// handler, the audit service and the log lines saw. `awaited`: the async form (its constructor
/// calls the audit service and its lines carry the id).
async fn check_accounts(form: &'static str, app: Router, awaited: bool) {
    let address = serve(app).await;
    let mut requests = tokio::task::JoinSet::new();
    for i in 0..ACCOUNT_REQUESTS {
        requests.spawn(async move {
            let (key, _, own_id) = account_request(i);
            let probe = i.to_string(); // the constructor logs it
            let sent_id = format!("{form}-{i}");
            let mut headers = vec![("x-probe", probe.as_str())];
            if let Some(key) = key {
                headers.push(("x-api-key", key));
            }
            if own_id {
                headers.push(("x-request-id", sent_id.as_str()));
            }
            (i, get_from(address, "/whoami", &headers).await)
        });
    }
    let mut replies = Vec::new();
    while let Some(done) = requests.join_next().await {
        replies.push(done.expect("client task"));
    }

    let logged = json_lines();
    let mut ids = HashSet::new();
    for (i, reply) in &replies {
        let (key, tenant, own_id) = account_request(*i);
        let id = reply.id();
        assert!(ids.insert(id.to_owned()), "one id per request: {id}");
        if own_id {
            assert_eq!(id, format!("{form}-{i}"), "a valid incoming id is kept");
        } else {
            assert!(uuid_v7(id), "a fresh id: {id}");
        }
        let constructor = constructor_lines(&logged, form, *i);
        // the sync constructor logs once; the async one before the query, on the blocking
        // thread, and once the tenant is found
        let expected = match (awaited, key) {
            (false, _) | (true, None) => 1,
            (true, Some(_)) if tenant.is_none() => 2,
            (true, Some(_)) => 3,
        };
        assert_eq!(constructor.len(), expected, "{constructor:?}");
        for line in constructor.iter().filter(|_| awaited) {
            assert_eq!(
                line["request_id"], id,
                "a constructor line (the blocking thread's too) carries the request's id: {line}"
            );
            assert!(
                line.get("tenant").is_none(),
                "no context is set yet: {line}"
            );
        }
        let Some(tenant) = tenant else {
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{reply:?}");
            assert_refused_once(reply, "INFO", "Unauthorized");
            continue;
        };
        assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
        let body = reply.json();
        assert_eq!(body["tenant"], tenant, "the handler sees the tenant");
        assert_eq!(body["key_seen"], true);
        assert_eq!(body["request_id"], id, "the handler sees the echoed id");
        assert_eq!(
            body["handler_audit"], id,
            "the handler's call through PropagateLayer carries the request's x-request-id"
        );
        let handler_line = logged
            .iter()
            .find(|line| line["message"] == "whoami: handler" && line["request_id"] == id);
        let handler_line = handler_line.expect("the handler's line carries the request id");
        assert_eq!(handler_line["tenant"], tenant, "{handler_line}");
        if awaited {
            assert_eq!(
                body["constructor_audit"], id,
                "the constructor's call through PropagateLayer carries the request's x-request-id"
            );
        } else {
            assert_eq!(body["constructor_audit"], Value::Null);
        }
    }
    let output = lines().text();
    for key in [ACME_KEY, GLOBEX_KEY, UNKNOWN_KEY] {
        assert!(!output.contains(key), "an API key was logged");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_constructor_looks_the_tenant_up_in_sqlite_with_the_request_id_on_its_lines_and_calls()
 {
    lines();
    let audit = Audit {
        client: propagating_client(),
        at: serve(audit_service()).await,
    };
    check_accounts("async", async_accounts("async", tenants_db(), audit), true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_constructor_gives_the_same_answers_next_to_it() {
    lines();
    let audit = Audit {
        client: propagating_client(),
        at: serve(audit_service()).await,
    };
    let db = tenants_db();
    // both forms served at once, from one database
    let async_form = async_accounts("async-beside-sync", Arc::clone(&db), audit.clone());
    let (sync_run, async_run) = tokio::join!(
        check_accounts("sync", sync_accounts(db, audit), false),
        check_accounts("async-beside-sync", async_form, true),
    );
    let ((), ()) = (sync_run, async_run);
}

// ---- 3: one request, one id, across contexts and stacked layers -------------------------------

#[derive(RequestContext)]
struct RequestCtx {
    #[context(log)]
    request_id: RequestId,
}

#[derive(RequestContext)]
struct AuthCtx {
    #[context(log)]
    auth_request_id: RequestId,
    #[context(log)]
    user: String,
}

#[allow(clippy::unnecessary_wraps)] // the shape `ContextLayer::new` takes
fn request_ctx(_: &Parts, id: &RequestId) -> Result<RequestCtx, StatusCode> {
    Ok(RequestCtx::builder().request_id(id.clone()).build())
}

fn auth_ctx(head: &Parts, id: &RequestId) -> Result<AuthCtx, StatusCode> {
    let user = header(head, "x-user").ok_or(StatusCode::FORBIDDEN)?;
    Ok(AuthCtx::builder()
        .auth_request_id(id.clone())
        .user(user)
        .build())
}

/// What both contexts hold, and a line that carries both.
async fn both_ids() -> String {
    tracing::info!("both contexts");
    let request = RequestCtx::with(|c| c.request_id().to_string());
    let (auth, user) = AuthCtx::with(|c| (c.auth_request_id().to_string(), c.user().clone()));
    json!({ "request": request, "auth": auth, "user": user }).to_string()
}

fn one_id_app() -> Router {
    let tuple = Router::new()
        .route("/tuple", get(both_ids))
        .layer(ContextLayer::new(|head: &Parts, id: &RequestId| {
            Ok::<_, StatusCode>((request_ctx(head, id)?, auth_ctx(head, id)?))
        }));
    let tuple_async =
        Router::new()
            .route("/tuple-async", get(both_ids))
            .layer(ContextLayer::new_async(|head: &Parts, id: &RequestId| {
                let built = request_ctx(head, id).and_then(|r| Ok((r, auth_ctx(head, id)?)));
                async move {
                    tokio::task::yield_now().await;
                    built
                }
            }));
    // `Router::layer`: the last one is the outermost
    let stacked = Router::new()
        .route("/stacked", get(both_ids))
        .layer(ContextLayer::new(auth_ctx))
        .layer(ContextLayer::new(request_ctx));
    let stacked_async = Router::new()
        .route("/stacked-async", get(both_ids))
        .layer(ContextLayer::new_async(|head: &Parts, id: &RequestId| {
            let built = auth_ctx(head, id);
            async move {
                tokio::task::yield_now().await;
                built
            }
        }))
        .layer(ContextLayer::new(request_ctx));
    tuple.merge(tuple_async).merge(stacked).merge(stacked_async)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_request_id_in_a_tuple_of_contexts_and_in_stacked_layers() {
    lines();
    let address = serve(one_id_app()).await;
    let mut seen = HashSet::new();
    for path in ["/tuple", "/tuple-async", "/stacked", "/stacked-async"] {
        for _ in 0..5 {
            // no incoming id: each layer would pick its own fresh one if they did not share
            let reply = get_from(address, path, &[("x-user", "ada")]).await;
            assert_eq!(reply.status, StatusCode::OK, "{path}: {reply:?}");
            let id = reply.id();
            assert!(uuid_v7(id), "{path}: a fresh id: {id}");
            assert!(seen.insert(id.to_owned()), "{path}: one id per request");
            let body = reply.json();
            assert_eq!(body["request"], id, "{path}: the first context");
            assert_eq!(body["auth"], id, "{path}: the second context");
            assert_eq!(body["user"], "ada", "{path}");
            let line = json_lines()
                .into_iter()
                .find(|line| line["message"] == "both contexts" && line["request_id"] == id);
            let line = line.unwrap_or_else(|| panic!("{path}: the handler's line of {id}"));
            assert_eq!(line["auth_request_id"], id, "{path}: {line}");
            assert_eq!(line["user"], "ada", "{path}: {line}");
        }
        // refused by the second context (the inner layer, when stacked): the same id is
        // echoed and logged
        let refused = get_from(address, path, &[]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}: {refused:?}");
        assert!(uuid_v7(refused.id()), "{path}");
        assert_refused_once(&refused, "INFO", "Forbidden");
    }
}

// ---- 4: the id in the request's and the response's extensions ---------------------------------

/// The handler: the id in the request's extensions (and the context's, when one is set).
async fn extension_id(request: axum::extract::Request) -> String {
    let id = request.extensions().get::<RequestId>();
    json!({
        "extension": id.map(RequestId::as_str),
        "context": RequestCtx::try_with(|c| c.request_id().to_string()),
    })
    .to_string()
}

/// An outer layer's view of the response: the id in its extensions, as `x-seen-id`.
fn seen_outside(mut response: Response) -> Response {
    let id = response.extensions().get::<RequestId>();
    let seen = id.map_or_else(
        || HeaderValue::from_static("missing"),
        |id| id.header_value().clone(),
    );
    response.headers_mut().insert("x-seen-id", seen);
    response
}

fn extensions_app() -> Router {
    let refusing = |head: &Parts, id: &RequestId| {
        if head.headers.contains_key("x-refuse") {
            return Err(StatusCode::TOO_MANY_REQUESTS);
        }
        request_ctx(head, id)
    };
    let sync_form = Router::new()
        .route("/ext/sync", get(extension_id))
        .layer(ContextLayer::new(refusing));
    let async_form =
        Router::new()
            .route("/ext/async", get(extension_id))
            .layer(ContextLayer::new_async(
                move |head: &Parts, id: &RequestId| {
                    let built = refusing(head, id);
                    async move { built }
                },
            ));
    let id_only = Router::new()
        .route("/ext/id-only", get(extension_id))
        .layer(RequestIdLayer);
    sync_form
        .merge(async_form)
        .merge(id_only)
        .layer(tower::util::MapResponseLayer::new(seen_outside))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_id_is_in_the_requests_and_the_responses_extensions() {
    lines();
    let address = serve(extensions_app()).await;
    for path in ["/ext/sync", "/ext/async", "/ext/id-only"] {
        for sent in [None, Some("ext-7")] {
            let headers: Vec<_> = sent.iter().map(|id| ("x-request-id", *id)).collect();
            let reply = get_from(address, path, &headers).await;
            assert_eq!(reply.status, StatusCode::OK, "{path}: {reply:?}");
            let id = reply.id();
            if let Some(sent) = sent {
                assert_eq!(id, sent, "{path}");
            }
            let body = reply.json();
            assert_eq!(body["extension"], id, "{path}: the request's extensions");
            assert_eq!(
                reply.header("x-seen-id"),
                Some(id),
                "{path}: the response's extensions, read by an outer layer"
            );
            if path == "/ext/id-only" {
                assert_eq!(body["context"], Value::Null, "{path}: no context");
            } else {
                assert_eq!(body["context"], id, "{path}: the context's");
            }
        }
    }
    for path in ["/ext/sync", "/ext/async"] {
        let refused = get_from(address, path, &[("x-refuse", "1")]).await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{path}");
        assert_eq!(
            refused.header("x-seen-id"),
            Some(refused.id()),
            "{path}: a refusal's extensions hold the id too"
        );
    }
}

// ---- 5: tower-http's TraceLayer ---------------------------------------------------------------

type Trace = TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    fn(&Request<Body>) -> tracing::Span,
    DefaultOnRequest,
    DefaultOnResponse,
>;

/// The span of each request: its path, and the id in its extensions (if one was chosen yet).
fn edge_span(request: &Request<Body>) -> tracing::Span {
    let id = request.extensions().get::<RequestId>();
    tracing::info_span!(
        "edge",
        path = request.uri().path(),
        request_id = id.map(RequestId::as_str)
    )
}

/// `TraceLayer` logging the start and the end of every request (at `INFO`, which the capture
/// keeps).
fn trace_layer() -> Trace {
    TraceLayer::new_for_http()
        .make_span_with(edge_span as fn(&Request<Body>) -> tracing::Span)
        .on_request(DefaultOnRequest::new().level(Level::INFO))
        .on_response(DefaultOnResponse::new().level(Level::INFO))
}

/// The handler of every trace route: the id its context holds.
async fn traced(Path(_): Path<String>) -> String {
    RequestCtx::with(|c| c.request_id().to_string())
}

fn trace_app() -> Router {
    // (a) `ContextLayer` outside `TraceLayer`: the id is chosen before the span is made
    let context_outside = Router::new()
        .route("/trace-a/{n}", get(traced))
        .layer(trace_layer())
        .layer(ContextLayer::new(request_ctx));
    let context_outside_async = Router::new()
        .route("/trace-a-async/{n}", get(traced))
        .layer(trace_layer())
        .layer(ContextLayer::new_async(|head: &Parts, id: &RequestId| {
            let built = request_ctx(head, id);
            async move { built }
        }));
    // (b) `RequestIdLayer` outermost, then `TraceLayer`, then `ContextLayer`
    let id_layer_outside = Router::new()
        .route("/trace-b/{n}", get(traced))
        .layer(ContextLayer::new(request_ctx))
        .layer(trace_layer())
        .layer(RequestIdLayer);
    // (c) what (b) is for: `TraceLayer` outside `ContextLayer` alone
    let trace_outside = Router::new()
        .route("/trace-c/{n}", get(traced))
        .layer(ContextLayer::new(request_ctx))
        .layer(trace_layer());
    context_outside
        .merge(context_outside_async)
        .merge(id_layer_outside)
        .merge(trace_outside)
}

/// The lines `TraceLayer` emitted for the request to `path`.
fn trace_lines(path: &str) -> Vec<Value> {
    json_lines()
        .into_iter()
        .filter(|line| {
            line["target"]
                .as_str()
                .is_some_and(|t| t.starts_with("tower_http::trace"))
                && line["span"]["path"] == path
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_trace_layer_line_carries_the_request_id_in_both_orders() {
    lines();
    let address = serve(trace_app()).await;
    let mut requests = tokio::task::JoinSet::new();
    for route in ["trace-a", "trace-a-async", "trace-b", "trace-c"] {
        for n in 0..8 {
            requests.spawn(async move {
                let path = format!("/{route}/{n}");
                let sent = format!("{route}-{n}");
                let headers: &[(&str, &str)] = if n % 2 == 0 {
                    &[("x-request-id", &sent)]
                } else {
                    &[]
                };
                let reply = get_from(address, &path, headers).await;
                (route, path, sent, reply)
            });
        }
    }
    while let Some(done) = requests.join_next().await {
        let (route, path, sent, reply) = done.expect("client task");
        assert_eq!(reply.status, StatusCode::OK, "{path}: {reply:?}");
        let id = reply.id();
        assert_eq!(
            reply.body, id,
            "{path}: the handler's context holds the echoed id"
        );
        if path.ends_with(['0', '2', '4', '6']) {
            assert_eq!(id, sent, "{path}");
        } else {
            assert!(uuid_v7(id), "{path}: {id}");
        }
        let traced = trace_lines(&path);
        let messages: Vec<_> = traced.iter().map(|l| l["message"].clone()).collect();
        assert_eq!(
            messages,
            ["started processing request", "finished processing request"],
            "{path}: on_request and on_response, once each"
        );
        for line in &traced {
            if route == "trace-c" {
                // outside `ContextLayer`, the span is made before any id is chosen
                assert!(line["span"].get("request_id").is_none(), "{path}: {line}");
                continue;
            }
            assert_eq!(line["span"]["request_id"], id, "{path}: {line}");
            let spans = line["spans"].as_array().expect("the span list");
            assert!(
                spans.iter().any(|s| s["request_id"] == id),
                "{path}: {line}"
            );
            // a context's field on the line (where the line is emitted inside the context) is
            // the same id, never another
            if let Some(top) = line.get("request_id") {
                assert_eq!(top, id, "{path}: {line}");
            }
        }
    }
}

// ---- 6: refusals ------------------------------------------------------------------------------

/// A token no log line may hold.
const TOKEN: &str = "tok-4d9c-never-logged";
/// A malformed baggage value no log line may hold.
const BAD_TENANT: &str = "acme-5b7e-never-logged";

#[derive(RequestContext)]
struct TenantCtx {
    #[context(log)]
    tenant_request_id: RequestId,
    #[context(log, propagate)]
    tenant: u64,
    #[context(sensitive)]
    token: String,
}

/// The tenant from the `baggage`, the token from `authorization`.
fn tenant_ctx(head: &Parts, id: &RequestId) -> Result<TenantCtx, CarrierError> {
    let token = header(head, "authorization").unwrap_or_default();
    let builder = TenantCtx::extract(&head.headers)?;
    Ok(builder.tenant_request_id(id.clone()).token(token).build())
}

/// The app's refusal: an RFC 9457 problem, with the request id.
fn problem(error: CarrierError, id: &RequestId) -> Response {
    let body = json!({
        "type": "about:blank",
        "title": "bad baggage",
        "status": 400,
        "detail": error.to_string(),
        "request_id": id.as_str(),
    });
    Response::builder()
        .status(StatusCode::BAD_REQUEST)
        .header("content-type", "application/problem+json")
        .body(Body::from(body.to_string()))
        .expect("a response")
}

async fn tenant_handler() -> String {
    tracing::info!("tenant handler");
    TenantCtx::with(|c| c.tenant().to_string())
}

fn refusals_app() -> Router {
    let route = |path: &str| Router::new().route(path, get(tenant_handler));
    let awaited = |head: &Parts, id: &RequestId| {
        let built = tenant_ctx(head, id);
        async move {
            tokio::task::yield_now().await;
            built
        }
    };
    route("/refuse/default")
        .layer(ContextLayer::new(tenant_ctx).internal())
        .merge(
            route("/refuse/warn").layer(
                ContextLayer::new(tenant_ctx)
                    .internal()
                    .log_refusals(Some(Level::WARN)),
            ),
        )
        .merge(
            route("/refuse/silent")
                .layer(ContextLayer::new(tenant_ctx).internal().log_refusals(None)),
        )
        .merge(
            route("/refuse/problem").layer(
                ContextLayer::new(tenant_ctx)
                    .internal()
                    .refuse_with(problem),
            ),
        )
        .merge(
            route("/refuse/async-problem").layer(
                ContextLayer::new_async(awaited)
                    .internal()
                    .refuse_with(problem)
                    .log_refusals(Some(Level::ERROR)),
            ),
        )
        .merge(
            route("/refuse/async-silent").layer(
                ContextLayer::new_async(awaited)
                    .internal()
                    .log_refusals(None),
            ),
        )
}

/// The requests each refusal route gets: no baggage, a malformed tenant, and a good one.
const BAGGAGES: [Option<&str>; 3] = [
    None,
    Some("tenant=acme-5b7e-never-logged"),
    Some("tenant=7"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_is_one_event_at_its_level_with_no_value_and_the_apps_body() {
    lines();
    let address = serve(refusals_app()).await;
    for (path, level) in [
        ("/refuse/default", Some("INFO")),
        ("/refuse/warn", Some("WARN")),
        ("/refuse/silent", None),
        ("/refuse/problem", Some("INFO")),
        ("/refuse/async-problem", Some("ERROR")),
        ("/refuse/async-silent", None),
    ] {
        for baggage in BAGGAGES {
            let mut headers = vec![("authorization", TOKEN)];
            headers.extend(baggage.map(|b| ("baggage", b)));
            let reply = get_from(address, path, &headers).await;
            let id = reply.id();
            if baggage == Some("tenant=7") {
                assert_eq!(reply.status, StatusCode::OK, "{path}: {reply:?}");
                assert_eq!(reply.body, "7", "{path}");
                assert!(refusals_of(id).is_empty(), "{path}: served, not refused");
                let served = json_lines().into_iter().any(|l| {
                    l["message"] == "tenant handler"
                        && l["tenant_request_id"] == id
                        && l["tenant"] == 7
                });
                assert!(served, "{path}: the handler's line");
                continue;
            }
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{path}: {reply:?}");
            let problem_json = path.ends_with("problem");
            let reason = if problem_json {
                assert_eq!(
                    reply.header("content-type"),
                    Some("application/problem+json"),
                    "{path}"
                );
                let body = reply.json();
                assert_eq!(body["status"], 400, "{path}");
                assert_eq!(body["request_id"], id, "{path}: the app's body has the id");
                body["detail"].as_str().expect("detail").to_owned()
            } else {
                assert_eq!(
                    reply.header("content-type"),
                    Some("text/plain; charset=utf-8"),
                    "{path}: a CarrierError's own response"
                );
                reply.body.clone()
            };
            assert!(
                reason.contains("tenant"),
                "{path}: names the field: {reason}"
            );
            if let Some(level) = level {
                assert_refused_once(&reply, level, &reason);
            } else {
                let about: Vec<_> = json_lines()
                    .into_iter()
                    .filter(|l| l["request_id"] == id || l["tenant_request_id"] == id)
                    .collect();
                assert!(about.is_empty(), "{path}: no event: {about:?}");
            }
        }
    }
    let output = lines().text();
    assert!(!output.contains(TOKEN), "a sensitive token was logged");
    assert!(
        !output.contains(BAD_TENANT),
        "a malformed baggage value was logged"
    );
}
