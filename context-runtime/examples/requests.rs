//! Concurrent requests through handler → service → repository, with the request id on every
//! log line and no request-id parameter anywhere.
//!
//! `cargo run --example requests` runs 500 requests concurrently on a multi-thread runtime, each
//! yielding at every layer so requests interleave on the workers, prints the log lines, and checks
//! that each line carries the id of the request that produced it. It exits non-zero otherwise.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::task::Id;

use context_runtime::RequestContext;

/// Facts about one request, set once at the edge.
#[derive(RequestContext)]
struct RequestCtx {
    request_id: String,
    tenant: u64,
    user: Option<String>,
    #[context(sensitive)]
    auth_token: String,
}

const REQUESTS: u64 = 500;

/// Every log line's request id, and the task that wrote it (to check the ids afterwards).
static LOG: Mutex<Vec<(String, Id)>> = Mutex::new(Vec::new());

/// The "logger": reads the request from the context, as a tracing layer would.
fn log(message: &str) {
    let (line, request_id) = RequestCtx::with(|c| {
        let line = format!(
            "request_id={} tenant={} user={:?} {message}",
            c.request_id(),
            c.tenant(),
            c.user()
        );
        (line, c.request_id().clone())
    });
    println!("{line}");
    LOG.lock()
        .expect("log lock")
        .push((request_id, tokio::task::id()));
}

async fn handler(order: u64) -> u64 {
    log(&format!("handler: GET /orders/{order}"));
    tokio::task::yield_now().await;
    let total = service(order).await;
    log(&format!("handler: 200 total={total}"));
    total
}

async fn service(order: u64) -> u64 {
    let authorized = RequestCtx::with(|c| c.auth_token().starts_with("secret-"));
    log(&format!(
        "service: fetching order (authorized: {authorized})"
    ));
    tokio::time::sleep(Duration::from_millis(order % 3)).await;
    repository(order).await * 2
}

async fn repository(order: u64) -> u64 {
    log("repository: SELECT total FROM orders WHERE id = ?");
    tokio::task::yield_now().await;
    order * 10
}

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() {
    let mut requests = tokio::task::JoinSet::new();
    let mut request_of_task = HashMap::new();
    for i in 0..REQUESTS {
        // The edge: middleware builds the context once from the incoming request.
        let id = format!("req-{i:04}");
        let ctx = RequestCtx::builder()
            .request_id(id.clone())
            .tenant(i % 7)
            .maybe_user((i % 2 == 0).then(|| format!("user-{i}")))
            .auth_token(format!("secret-{i}"))
            .build();
        let task = requests.spawn(ctx.scope(handler(i)));
        request_of_task.insert(task.id(), id);
    }
    while let Some(done) = requests.join_next().await {
        done.expect("a request panicked");
    }

    let log = LOG.lock().expect("log lock");
    #[allow(clippy::cast_precision_loss)] // a few thousand lines
    let percent = |part: usize| 100.0 * part as f64 / log.len() as f64;
    let matching = log
        .iter()
        .filter(|(request_id, task)| request_of_task.get(task) == Some(request_id))
        .count();
    println!(
        "\n{REQUESTS} requests, {} log lines, {matching} carry the id of the request that produced them ({:.1}%)",
        log.len(),
        percent(matching)
    );
    assert!(
        RequestCtx::try_current().is_none(),
        "no context outside the requests"
    );
    if matching != log.len() || log.len() as u64 != REQUESTS * 4 {
        eprintln!("mismatch: every log line must carry its own request's id");
        std::process::exit(1);
    }
}
