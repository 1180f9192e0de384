//! Concurrent requests through handler → service → repository, with follow-up work spawned as a
//! task and as blocking work, and the request id on every log line: no request-id parameter
//! anywhere.
//!
//! `cargo run --example requests` runs 500 requests concurrently on a multi-thread runtime, each
//! yielding at every layer so requests interleave on the workers, prints the log lines, and
//! checks that every line, spawned work included, carries the id of the request that caused it.
//! It exits non-zero otherwise.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use context_runtime::{RequestContext, with_context};
use tokio::task::Id;

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
/// handler ×2, service, repository, audit task, receipt rendering.
const LINES_PER_REQUEST: usize = 6;

/// The example's own bookkeeping, to check the log afterwards (not part of the pattern): every
/// log line's request id and the task that wrote it, and which request each task works for.
static LOG: Mutex<Vec<(String, Id)>> = Mutex::new(Vec::new());
static REQUEST_OF_TASK: Mutex<Option<HashMap<Id, String>>> = Mutex::new(None);

fn works_for(task: Id, request_id: String) {
    REQUEST_OF_TASK
        .lock()
        .expect("lock")
        .get_or_insert_with(HashMap::new)
        .insert(task, request_id);
}

/// Records that a task spawned here works for the same request as this one.
fn adopt(child: Id) {
    let parent = tokio::task::id();
    let request = REQUEST_OF_TASK
        .lock()
        .expect("lock")
        .as_ref()
        .and_then(|map| map.get(&parent).cloned());
    works_for(child, request.expect("the parent task is known"));
}

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

#[with_context]
async fn handler(order: u64) -> u64 {
    log(&format!("handler: GET /orders/{order}"));
    tokio::task::yield_now().await;
    let total = service(order).await;
    // Follow-up work that outlives nothing but must still be traced to this request.
    let audit = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(order % 5)).await;
        log(&format!("audit: order {order} read"));
    });
    let receipt =
        tokio::task::spawn_blocking(move || log(&format!("receipt: rendered for total {total}")));
    adopt(audit.id());
    adopt(receipt.id());
    audit.await.expect("audit task");
    receipt.await.expect("receipt rendering");
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
        works_for(task.id(), id);
    }
    while let Some(done) = requests.join_next().await {
        done.expect("a request panicked");
    }

    let log = LOG.lock().expect("log lock");
    let request_of_task = REQUEST_OF_TASK
        .lock()
        .expect("lock")
        .take()
        .unwrap_or_default();
    let matching = log
        .iter()
        .filter(|(request_id, task)| request_of_task.get(task) == Some(request_id))
        .count();
    #[allow(clippy::cast_precision_loss)] // a few thousand lines
    let percent = 100.0 * matching as f64 / log.len() as f64;
    println!(
        "\n{REQUESTS} requests, {} log lines (spawned and blocking work included), {matching} carry the id \
         of the request that caused them ({percent:.1}%)",
        log.len()
    );
    assert!(
        RequestCtx::try_current().is_none(),
        "no context outside the requests"
    );
    if matching != log.len()
        || log.len() != usize::try_from(REQUESTS).expect("small") * LINES_PER_REQUEST
    {
        eprintln!("mismatch: every log line must carry its own request's id");
        std::process::exit(1);
    }
}
