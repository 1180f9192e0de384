//! The main job: an axum service — handler → service → repository over a real `SQLite` file —
//! where every JSON log line carries the request id of the request that caused it, including the
//! lines of spawned tasks, blocking work and a queued job, and no function takes a request-id
//! parameter. The database connection is an explicit dependency, never in the context.
//!
//! The edge awaits: it looks the caller's API key up in the same database (on a blocking thread)
//! to find the tenant, before the context exists, and its own log lines carry the request id too.
//!
//! `cargo run --example orders` starts the service on 127.0.0.1 (an ephemeral port), drives it
//! with 240 concurrent requests from a real HTTP client (some with a valid `x-request-id`, some
//! with malformed ones, some refused for a missing or unknown API key), prints the log lines and
//! a summary, and exits non-zero unless 100% of the request lines, the edge's lookups and its
//! refusals included, carry their own request's id.
//!
//! Every request has a deadline: 10 s by default, or the budget its caller sends in
//! `grpc-timeout`. A sales report's slow SQL query reads it on its blocking thread and stops when
//! it passes; the edge answers 504 with the request's id, and the query's last line carries it.
//!
//! `cargo run --example orders -- --serve 127.0.0.1:3000` keeps serving, for curl:
//! `curl -i -H 'x-api-key: key-1' -H 'x-request-id: my-id' http://127.0.0.1:3000/orders/1`

use std::collections::{HashMap, HashSet};
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, Request, StatusCode};
use axum::routing::get;
use context_runtime::{
    ContextLayer, Deadline, LogContext, RequestContext, RequestId, Snapshot, with_context,
};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use rusqlite::Connection;
use tokio::sync::mpsc;

/// Facts about one request, set once at the edge.
#[derive(RequestContext)]
struct RequestCtx {
    #[context(log)]
    request_id: RequestId,
    #[context(log)]
    tenant: u64,
    #[context(log)]
    user: Option<String>,
    #[context(sensitive)]
    auth_token: String,
}

/// The database: an explicit dependency of the repository, shared by the handlers.
type Db = Arc<Mutex<Connection>>;

/// A job for the worker: what it needs, and the contexts of the request that queued it.
struct ReceiptJob {
    order_id: u64,
    total: u64,
    context: Snapshot,
}

#[derive(Clone)]
struct App {
    db: Db,
    /// The database file, for the reports' own connections (a long query must not hold `db`).
    path: PathBuf,
    jobs: mpsc::UnboundedSender<ReceiptJob>,
}

// ---- repository -------------------------------------------------------------------------------

fn find_total(db: &Db, order_id: u64) -> rusqlite::Result<Option<u64>> {
    tracing::info!(
        order_id,
        "repository: SELECT total FROM orders WHERE id = ?1 AND tenant = ?2"
    );
    let tenant = RequestCtx::with(|c| *c.tenant());
    let conn = db.lock().expect("the connection lock");
    let mut statement =
        conn.prepare_cached("SELECT total FROM orders WHERE id = ?1 AND tenant = ?2")?;
    let mut rows = statement.query((order_id, tenant))?;
    rows.next()?.map(|row| row.get(0)).transpose()
}

/// A sales report: a query long enough to outlast any budget (a recursive count to a billion),
/// on its own connection. `SQLite` asks the progress handler every 10,000 steps whether to stop:
/// the answer is the request's deadline, read on this blocking thread like any context.
fn sales_report(path: &std::path::Path, order_id: u64) -> rusqlite::Result<u64> {
    let conn = Connection::open(path)?;
    conn.progress_handler(10_000, Some(Deadline::expired));
    let started = Instant::now();
    let rows = conn.query_row(
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000000000) \
         SELECT count(*) FROM n",
        [],
        |row| row.get(0),
    );
    if let Err(rusqlite::Error::SqliteFailure(error, _)) = &rows
        && error.code == rusqlite::ErrorCode::OperationInterrupted
    {
        #[allow(clippy::cast_possible_truncation)] // a few hundred milliseconds
        let ran_ms = started.elapsed().as_millis() as u64;
        tracing::warn!(
            report = order_id,
            ran_ms,
            "report: query interrupted at the request's deadline"
        );
    }
    rows
}

// ---- service ----------------------------------------------------------------------------------

#[with_context]
async fn fetch_order(app: &App, order_id: u64) -> Option<u64> {
    tracing::info!(order_id, "service: fetching order");
    let db = Arc::clone(&app.db);
    // SQL is blocking work: it runs on the blocking pool, and still logs under this request.
    let total = tokio::task::spawn_blocking(move || find_total(&db, order_id))
        .await
        .expect("query task");
    match total {
        Ok(Some(total)) => {
            // Follow-up work: an audit task, and a receipt job queued for the worker.
            tokio::spawn(async move { tracing::info!(order_id, "audit: order read") });
            let job = ReceiptJob {
                order_id,
                total,
                context: Snapshot::capture(),
            };
            app.jobs.send(job).expect("the worker runs");
            Some(total)
        }
        Ok(None) => None,
        Err(error) => {
            tracing::error!(order_id, %error, "service: query failed");
            None
        }
    }
}

// ---- handler ----------------------------------------------------------------------------------

async fn get_order(
    State(app): State<App>,
    Path(order_id): Path<u64>,
) -> Result<String, StatusCode> {
    tracing::info!(order_id, "handler: GET /orders/{order_id}");
    let total = fetch_order(&app, order_id)
        .await
        .ok_or(StatusCode::NOT_FOUND)?;
    tracing::info!(order_id, total, "handler: 200");
    Ok(format!("order {order_id}: total {total}\n"))
}

/// A report: its query runs on the blocking pool, under the request's deadline. When the
/// deadline passes, the edge answers 504 (dropping this future) and the query stops itself.
#[with_context]
async fn get_report(
    State(app): State<App>,
    Path(order_id): Path<u64>,
) -> Result<String, StatusCode> {
    let budget_ms =
        Deadline::remaining().map(|left| u64::try_from(left.as_millis()).unwrap_or(u64::MAX));
    tracing::info!(
        report = order_id,
        budget_ms,
        "report: handler: GET /orders/{order_id}/report"
    );
    let path = app.path.clone();
    let rows = tokio::task::spawn_blocking(move || sales_report(&path, order_id))
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?
        // Interrupted: the deadline passed, as the edge says with its own 504 (whichever of the
        // two answers first, the client gets 504).
        .map_err(|_| StatusCode::GATEWAY_TIMEOUT)?;
    Ok(format!("report {order_id}: {rows} rows\n"))
}

/// The tenant an API key belongs to: a query on the database, a blocking call.
fn tenant_of(db: &Db, key: &str) -> rusqlite::Result<Option<u64>> {
    let conn = db.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut statement = conn.prepare_cached("SELECT tenant FROM api_keys WHERE key = ?1")?;
    let mut rows = statement.query([key])?;
    rows.next()?.map(|row| row.get(0)).transpose()
}

/// What the edge reads of a request's head, owned, for the lookup that awaits.
struct Caller {
    id: RequestId,
    api_key: Option<String>,
    user: Option<String>,
    token: Option<String>,
}

impl Caller {
    fn of(head: &http::request::Parts, id: &RequestId) -> Self {
        let header = |name: &str| {
            head.headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        Self {
            id: id.clone(),
            api_key: header("x-api-key"),
            user: header("x-user"),
            token: header("authorization"),
        }
    }
}

/// The edge: the context from the request's headers and the tenant its API key belongs to, looked
/// up in the database before the context exists, or a refusal before any handler runs (401:
/// no key, or a key nobody has). Its log lines carry the request id all the same.
async fn request_context(db: Db, caller: Caller) -> Result<RequestCtx, StatusCode> {
    let key = caller.api_key.ok_or(StatusCode::UNAUTHORIZED)?;
    // `context_runtime::spawn_blocking` carries the request id to the lookup's thread.
    let tenant = context_runtime::spawn_blocking(move || {
        tracing::info!("edge: SELECT tenant FROM api_keys WHERE key = ?1");
        tenant_of(&db, &key)
    })
    .await
    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?
    .map_err(|error| {
        tracing::error!(%error, "edge: tenant lookup failed");
        StatusCode::INTERNAL_SERVER_ERROR
    })?
    .ok_or(StatusCode::UNAUTHORIZED)?;
    tracing::info!(tenant, "edge: tenant found");
    Ok(RequestCtx::builder()
        .request_id(caller.id)
        .tenant(tenant)
        .maybe_user(caller.user)
        .auth_token(caller.token.unwrap_or_default())
        .build())
}

fn router(app: App) -> Router {
    let db = app.db.clone();
    let edge = ContextLayer::new_async(move |head: &http::request::Parts, id: &RequestId| {
        request_context(db.clone(), Caller::of(head, id))
    })
    // Every request has a deadline: its caller's budget (`grpc-timeout`), or 10 s.
    .deadline(Duration::from_secs(10));
    Router::new()
        .route("/orders/{order_id}", get(get_order))
        .route("/orders/{order_id}/report", get(get_report))
        .with_state(app)
        .layer(edge)
}

/// The receipt worker: re-enters each job's request context around the job.
async fn receipt_worker(mut jobs: mpsc::UnboundedReceiver<ReceiptJob>) {
    while let Some(job) = jobs.recv().await {
        let ReceiptJob {
            order_id,
            total,
            context,
        } = job;
        context
            .scope(async move { tracing::info!(order_id, total, "worker: receipt sent") })
            .await;
    }
}

fn open_database() -> rusqlite::Result<(Connection, PathBuf)> {
    let path = std::env::temp_dir().join(format!("context-orders-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let conn = Connection::open(&path)?;
    conn.execute_batch(
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, tenant INTEGER NOT NULL, total INTEGER NOT NULL);",
    )?;
    let mut insert = conn.prepare("INSERT INTO orders (id, tenant, total) VALUES (?1, ?2, ?3)")?;
    for id in 0..1_000_u64 {
        insert.execute((id, id % 4, id * 7 + 3))?;
    }
    drop(insert);
    conn.execute_batch("CREATE TABLE api_keys (key TEXT PRIMARY KEY, tenant INTEGER NOT NULL);")?;
    for tenant in 0..4_u64 {
        conn.execute(
            "INSERT INTO api_keys (key, tenant) VALUES (?1, ?2)",
            (format!("key-{tenant}"), tenant),
        )?;
    }
    Ok((conn, path))
}

// ---- running it -------------------------------------------------------------------------------

/// Log lines go to stdout, and to memory for the summary.
#[derive(Clone, Default)]
struct Tee(Arc<Mutex<Vec<u8>>>);

impl io::Write for Tee {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(bytes);
        io::stdout().write_all(bytes)?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stdout().flush()
    }
}

const REQUESTS: u64 = 240;

/// What the client sent, and what it expects back.
struct Sent {
    refused: bool,
    /// A report with a 300 ms budget: answered 504.
    report: bool,
    incoming: Option<String>,
}

fn request(i: u64, address: SocketAddr) -> (Request<Empty<Bytes>>, Sent) {
    let order_id = i % 300; // orders 0..300; a tenant sees its own orders only
    // One in thirty asks for a report, with the budget an upstream service would send.
    let report = i % 30 == 13;
    let path = if report { "/report" } else { "" };
    let mut request = Request::get(format!("http://{address}/orders/{order_id}{path}"))
        .header("authorization", "Bearer s3cr3t")
        .body(Empty::new())
        .expect("a request");
    let headers = request.headers_mut();
    // One in eight is refused: no API key, or one nobody has.
    let refused = i % 8 == 7;
    let key = match (refused, i % 16) {
        (false, _) => Some(format!("key-{}", order_id % 4)),
        (true, 15) => Some(String::from("key-stolen")),
        (true, _) => None,
    };
    if let Some(key) = key {
        headers.insert("x-api-key", HeaderValue::from_str(&key).expect("a header"));
    }
    if report {
        headers.insert("grpc-timeout", HeaderValue::from_static("300m"));
    }
    if i.is_multiple_of(2) {
        headers.insert("x-user", HeaderValue::from_static("alice"));
    }
    let incoming = match i % 6 {
        0 | 1 => Some(format!("client-{i}")),
        2 => {
            headers.insert("x-request-id", HeaderValue::from_static("has a space"));
            None
        }
        3 => {
            headers.insert(
                "x-request-id",
                HeaderValue::from_str(&"x".repeat(129)).expect("a header"),
            );
            None
        }
        _ => None,
    };
    if let Some(id) = &incoming {
        headers.insert("x-request-id", HeaderValue::from_str(id).expect("a header"));
    }
    (
        request,
        Sent {
            refused,
            report,
            incoming,
        },
    )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let serve: Option<SocketAddr> = match std::env::args().skip(1).collect::<Vec<_>>().as_slice() {
        [] => None,
        [flag, address] if flag == "--serve" => Some(address.parse()?),
        _ => return Err("usage: orders [--serve ADDR]".into()),
    };
    let log = Tee::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .json()
        .event_format(LogContext::json(
            tracing_subscriber::fmt::format().json().flatten_event(true),
        ))
        .with_writer(move || writer.clone())
        .init();

    let (conn, path) = open_database()?;
    let (jobs, queue) = mpsc::unbounded_channel();
    let worker = tokio::spawn(receipt_worker(queue));
    let app = App {
        db: Arc::new(Mutex::new(conn)),
        path: path.clone(),
        jobs,
    };
    let listener =
        tokio::net::TcpListener::bind(serve.unwrap_or_else(|| ([127, 0, 0, 1], 0).into())).await?;
    let address = listener.local_addr()?;
    let router = router(app);
    if serve.is_some() {
        eprintln!("serving on http://{address} (database {})", path.display());
        axum::serve(listener, router).await?;
        return Ok(());
    }
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let mut requests = tokio::task::JoinSet::new();
    for i in 0..REQUESTS {
        let client = client.clone();
        let (request, sent) = request(i, address);
        let order_id = i % 300;
        requests.spawn(async move {
            let response = client.request(request).await.expect("a response");
            let id = response.headers()["x-request-id"]
                .to_str()
                .expect("ascii")
                .to_owned();
            let status = response.status();
            let _ = response.into_body().collect().await;
            (order_id, id, status, sent)
        });
    }
    let mut ids: HashMap<u64, String> = HashMap::new();
    let mut refusals: HashSet<String> = HashSet::new();
    let mut reports: HashSet<String> = HashSet::new();
    let (mut refused, mut kept, mut replaced) = (0, 0, 0);
    while let Some(done) = requests.join_next().await {
        let (order_id, id, status, sent) = done?;
        if sent.refused {
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            refused += 1;
            refusals.insert(id);
            continue;
        }
        if sent.report {
            assert_eq!(status, StatusCode::GATEWAY_TIMEOUT, "report {order_id}");
            reports.insert(id);
            continue;
        }
        assert_eq!(status, StatusCode::OK, "order {order_id}");
        match sent.incoming {
            Some(incoming) if incoming == id => kept += 1,
            Some(incoming) => {
                return Err(format!("valid id {incoming} was replaced by {id}").into());
            }
            None => replaced += 1,
        }
        ids.insert(order_id, id);
    }
    // The reports' queries stop on their own threads when they notice their deadline.
    let interrupted = |log: &Tee| {
        let log = log.0.lock().expect("log buffer");
        String::from_utf8_lossy(&log)
            .matches("report: query interrupted")
            .count()
    };
    let waiting = Instant::now();
    while interrupted(&log) < reports.len() && waiting.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.abort();
    drop(client);
    // Let the queued receipts drain: the worker ends when the router (holding the sender) is gone.
    let _ = server.await;
    let _ = worker.await;
    let _ = std::fs::remove_file(&path);

    let output = String::from_utf8(log.0.lock().expect("log buffer").clone())?;
    let outcome = format!(
        "{} served ({kept} kept their valid x-request-id, {replaced} got a fresh one), {refused} refused \
         before any handler, {} reports answered 504 at their 300 ms deadline",
        ids.len(),
        reports.len()
    );
    summarize(&output, &ids, &refusals, &reports, &outcome)
}

/// Checks every log line a request caused against the id that request got, and prints the
/// summary: the lines of a served order (they name it), the edge's lookups (their request was
/// served or refused), and the refusals (their request was refused).
fn summarize(
    output: &str,
    ids: &HashMap<u64, String>,
    refusals: &HashSet<String>,
    reports: &HashSet<String>,
    served: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let served_ids: HashSet<&str> = ids.values().map(String::as_str).collect();
    let (mut lines, mut request_lines, mut matching, mut cut) = (0, 0, 0, 0);
    for line in output.lines() {
        lines += 1;
        let line: serde_json::Value = serde_json::from_str(line)?;
        let id = line["request_id"].as_str();
        let message = line["message"].as_str().unwrap_or_default();
        let carries_its_id = if let Some(order_id) = line["order_id"].as_u64() {
            id.is_some_and(|id| ids.get(&order_id).is_some_and(|own| own == id))
        } else if message.starts_with("edge:") {
            id.is_some_and(|id| {
                served_ids.contains(id) || refusals.contains(id) || reports.contains(id)
            })
        } else if message.starts_with("report:") {
            cut += usize::from(message.starts_with("report: query interrupted"));
            id.is_some_and(|id| reports.contains(id))
        } else if message == "request refused" {
            // 401s, and the reports' 504s.
            id.is_some_and(|id| refusals.contains(id) || reports.contains(id))
        } else {
            continue;
        };
        request_lines += 1;
        matching += usize::from(carries_its_id);
    }
    let leaked = output.contains("s3cr3t") || output.contains("has a space");
    #[allow(clippy::cast_precision_loss)]
    let percent = 100.0 * matching as f64 / request_lines.max(1) as f64;
    println!(
        "\n{REQUESTS} requests: {served}; {lines} log lines, {request_lines} caused by a request, {matching} carry \
         that request's id ({percent:.1}%); {cut} report queries stopped at their request's deadline; \
         secrets or malformed ids in the logs: {}",
        if leaked { "yes" } else { "none" },
    );
    if matching != request_lines || request_lines == 0 || leaked {
        return Err("not every line carried its own request id".into());
    }
    if cut != reports.len() || reports.is_empty() {
        return Err(format!(
            "{cut} report queries stopped at their deadline, of {}",
            reports.len()
        )
        .into());
    }
    Ok(())
}
