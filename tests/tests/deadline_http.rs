//! The request's deadline across the edge (feature `http`), over real TCP: `ContextLayer` sets it
//! from the caller's `grpc-timeout` (capped, defaulted, a malformed one ignored), answers 504 and
//! drops the handler's future when it passes, wakes `done()` in spawned work when the client goes
//! away; `PropagateLayer` sends what is left, so a second service answers within the first's
//! budget.

#![cfg(feature = "http")]

mod served;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use context_runtime::{
    ContextLayer, Deadline, Destinations, PropagateLayer, PropagateService, RequestContext,
    RequestId, done, timeout, with_context,
};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use served::{get_from, serve};
use tokio::sync::mpsc;
use tower::ServiceExt;

/// How late a timer may fire on a loaded machine before a test calls it wrong.
const SLACK: Duration = Duration::from_secs(5);

#[derive(RequestContext)]
struct RequestCtx {
    #[context(propagate)]
    request_id: RequestId,
}

fn layer() -> ContextLayer<
    impl Fn(&http::request::Parts, &RequestId) -> Result<RequestCtx, StatusCode> + Clone,
> {
    ContextLayer::new(|_: &http::request::Parts, id: &RequestId| {
        Ok(RequestCtx::builder().request_id(id.clone()).build())
    })
}

/// What the handler saw of its deadline, in milliseconds (`none` without one).
async fn remaining() -> String {
    Deadline::remaining().map_or_else(|| "none".to_owned(), |left| left.as_millis().to_string())
}

fn millis(body: &str) -> u128 {
    body.parse()
        .unwrap_or_else(|_| panic!("milliseconds, got {body:?}"))
}

#[tokio::test]
async fn the_callers_budget_is_taken_capped_and_a_malformed_one_ignored() {
    let app = Router::new().route("/", get(remaining)).layer(
        layer()
            .deadline(Duration::from_secs(20))
            .max_deadline(Duration::from_secs(40)),
    );
    let address = serve(app).await;
    let asked = get_from(address, "/", &[("grpc-timeout", "3S")]).await;
    assert!((2000..=3000).contains(&millis(&asked.body)), "{asked:?}");
    let capped = get_from(address, "/", &[("grpc-timeout", "10M")]).await;
    assert!(
        (39_000..=40_000).contains(&millis(&capped.body)),
        "{capped:?}"
    );
    for malformed in ["-5S", "1.5S", "123456789m", "5 S", "5s", "abc"] {
        let reply = get_from(address, "/", &[("grpc-timeout", malformed)]).await;
        assert_eq!(reply.status, StatusCode::OK, "{malformed}: never a refusal");
        assert!(
            (19_000..=20_000).contains(&millis(&reply.body)),
            "{malformed}: the default, got {reply:?}"
        );
    }
    let absent = get_from(address, "/", &[]).await;
    assert!(
        (19_000..=20_000).contains(&millis(&absent.body)),
        "{absent:?}"
    );

    // Without a default, a request that states no budget has no deadline.
    let address = serve(Router::new().route("/", get(remaining)).layer(layer())).await;
    assert_eq!(get_from(address, "/", &[]).await.body, "none");
    let asked = get_from(address, "/", &[("grpc-timeout", "2500m")]).await;
    assert!((1500..=2500).contains(&millis(&asked.body)), "{asked:?}");
}

/// Counts the drops of the handler's futures that did not complete.
#[derive(Clone, Default)]
struct Dropped(Arc<AtomicUsize>);

struct OnDrop(Dropped);

impl Drop for OnDrop {
    fn drop(&mut self) {
        (self.0).0.fetch_add(1, Ordering::SeqCst);
    }
}

async fn slow(State(dropped): State<Dropped>) -> &'static str {
    let _guard = OnDrop(dropped);
    tokio::time::sleep(Duration::from_mins(1)).await;
    "too late"
}

#[tokio::test]
async fn past_its_deadline_a_request_is_answered_504_and_its_handler_dropped() {
    let dropped = Dropped::default();
    let app = Router::new()
        .route("/slow", get(slow))
        .with_state(dropped.clone())
        .layer(layer().deadline(Duration::from_millis(100)));
    let address = serve(app).await;
    let started = Instant::now();
    let reply = get_from(address, "/slow", &[("x-request-id", "late-1")]).await;
    let elapsed = started.elapsed();
    assert_eq!(reply.status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(reply.id(), "late-1", "the 504 echoes the request id");
    assert_eq!(
        reply.body,
        "the request's deadline passed before its response was ready"
    );
    assert!(
        elapsed >= Duration::from_millis(100) && elapsed < SLACK,
        "{elapsed:?}"
    );
    assert_eq!(
        dropped.0.load(Ordering::SeqCst),
        1,
        "the handler's future was dropped when the 504 was sent"
    );

    // The status is the app's to choose; a budget already spent is answered before the handler.
    let app = Router::new()
        .route("/slow", get(slow))
        .with_state(dropped.clone())
        .layer(layer().on_deadline(StatusCode::SERVICE_UNAVAILABLE));
    let address = serve(app).await;
    let reply = get_from(address, "/slow", &[("grpc-timeout", "50m")]).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    let spent = get_from(address, "/slow", &[("grpc-timeout", "0n")]).await;
    assert_eq!(spent.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        dropped.0.load(Ordering::SeqCst),
        2,
        "the spent request's handler never ran"
    );
}

#[tokio::test]
async fn a_grpc_call_past_its_deadline_gets_deadline_exceeded() {
    let service =
        tower::ServiceBuilder::new()
            .layer(layer())
            .service_fn(|_: http::Request<()>| async {
                tokio::time::sleep(Duration::from_mins(1)).await;
                Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
            });
    let request = http::Request::builder()
        .header("content-type", "application/grpc")
        .header("grpc-timeout", "20m")
        .body(())
        .unwrap();
    let response = service.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "trailers-only");
    assert_eq!(response.headers()["grpc-status"], "4", "DEADLINE_EXCEEDED");
}

/// A request that spawns a watcher of `done()` and an audit that does not look, then waits
/// until the client gives up.
#[with_context]
async fn watched(State(events): State<mpsc::UnboundedSender<&'static str>>) -> &'static str {
    let watcher = events.clone();
    tokio::spawn(async move {
        tokio::select! {
            () = done() => { let _ = watcher.send("done: request dropped"); }
            () = tokio::time::sleep(Duration::from_secs(30)) => { let _ = watcher.send("done: deadline"); }
        }
    });
    let audit = events.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let _ = audit.send("audit written");
    });
    let _ = events.send("started");
    std::future::pending::<&'static str>().await
}

#[tokio::test]
async fn when_the_client_goes_away_done_fires_in_spawned_work_and_the_audit_still_finishes() {
    let (events, mut seen) = mpsc::unbounded_channel();
    let app = Router::new()
        .route("/watched", get(watched))
        .with_state(events)
        .layer(layer().deadline(Duration::from_secs(30)));
    let address = serve(app).await;
    // A client that sends the request, then closes the connection without waiting.
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(
        &mut stream,
        b"GET /watched HTTP/1.1\r\nhost: localhost\r\n\r\n",
    )
    .await
    .unwrap();
    let mut next = async || {
        tokio::time::timeout(SLACK, seen.recv())
            .await
            .unwrap()
            .unwrap()
    };
    assert_eq!(next().await, "started");
    drop(stream);
    let mut rest = vec![next().await, next().await];
    rest.sort_unstable();
    assert_eq!(rest, ["audit written", "done: request dropped"]);
}

// ---- two services --------------------------------------------------------------------------

type HttpClient = PropagateService<Client<HttpConnector, Empty<Bytes>>>;

fn client() -> HttpClient {
    tower::ServiceBuilder::new()
        .layer(PropagateLayer::new(Destinations::matching(|uri| {
            uri.host() == Some("127.0.0.1")
        })))
        .service(Client::builder(TokioExecutor::new()).build_http())
}

/// B: reports the budget it got; `/slow` bounds a slow query by it and answers in time.
fn service_b() -> Router {
    async fn slow() -> String {
        let query = timeout(tokio::time::sleep(Duration::from_mins(1)));
        match query.await {
            Ok(()) => "query done".to_owned(),
            Err(late) => format!("cut: {late}"),
        }
    }
    Router::new()
        .route("/budget", get(remaining))
        .route("/slow", get(slow))
        .layer(
            ContextLayer::new(|head: &http::request::Parts, _: &RequestId| {
                RequestCtx::extract(&head.headers).map(RequestCtxBuilder::build)
            })
            .internal()
            .max_deadline(Duration::from_mins(1)),
        )
}

#[derive(Clone)]
struct A {
    client: HttpClient,
    b: SocketAddr,
    seen: Arc<Mutex<Vec<(u128, u128)>>>,
}

/// A: reads its own budget, calls B, and records both.
async fn call_b(State(a): State<A>, uri: http::Uri) -> String {
    let path = uri.path().trim_start_matches("/a");
    let before = Deadline::remaining().expect("A has a deadline").as_millis();
    let request = http::Request::get(format!("http://{}{path}", a.b))
        .body(Empty::new())
        .unwrap();
    // A keeps time for its own work: B gets at most 500ms of what A has left (a nested deadline
    // only tightens, and `PropagateLayer` sends the one in force).
    let call = a.client.oneshot(request);
    let response = Deadline::after(Duration::from_millis(500))
        .scope(call)
        .await
        .expect("B answers");
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let body = String::from_utf8(body.to_vec()).unwrap();
    if path == "/budget" {
        a.seen.lock().unwrap().push((before, millis(&body)));
    }
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_service_sees_the_first_ones_remaining_budget_and_answers_within_it() {
    let b = serve(service_b()).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new()
        .route("/a/budget", get(call_b))
        .route("/a/slow", get(call_b))
        .with_state(A {
            client: client(),
            b,
            seen: Arc::clone(&seen),
        })
        .layer(layer().deadline(Duration::from_millis(1500)));
    let a = serve(app).await;

    let replies = futures_join_all((0..20).map(|_| get_from(a, "/a/budget", &[]))).await;
    assert!(replies.iter().all(|reply| reply.status == StatusCode::OK));
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 20);
    for (a_left, b_left) in seen {
        assert!(
            b_left <= a_left,
            "B got {b_left}ms, more than A had ({a_left}ms)"
        );
        assert!(b_left <= 500, "B got {b_left}ms, more than A gave it");
        assert!(b_left > 0 && a_left <= 1500, "{a_left} {b_left}");
    }

    // B's slow query is cut at the deadline A gave it: A gets B's answer (not a 504 of its own).
    let started = Instant::now();
    let reply = get_from(a, "/a/slow", &[]).await;
    let elapsed = started.elapsed();
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.body,
        "cut: the request's deadline passed before this work finished"
    );
    assert!(
        elapsed < Duration::from_millis(1500) + SLACK,
        "answered in {elapsed:?}"
    );
}

/// `join_all` without a futures dependency: each on its own task.
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut outputs = Vec::with_capacity(handles.len());
    for handle in handles {
        outputs.push(handle.await.unwrap());
    }
    outputs
}
