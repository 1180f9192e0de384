//! The HTTP layer's cost: the same axum hello-world with and without `ContextLayer`, logging
//! off, in one run, two ways:
//! - over real TCP on loopback, driven by a real HTTP client (hyper) with 16 requests in flight:
//!   the throughput a service sees; the budget (the layer costs ≤ 3%) is checked here;
//! - in-process, each request through the router as a tower service, no sockets: the layer's own
//!   work laid bare, reported for reference.
//!
//! `cargo bench -p context-runtime --bench http_layer` prints criterion's figures, then the
//! paired ratios.

use std::hint::black_box;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use context_runtime::{ContextLayer, ContextService, RequestContext, RequestId};
use criterion::Criterion;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tower::{Layer, Service, ServiceExt};

mod support;
use support::Ratio;

#[derive(RequestContext)]
struct RequestCtx {
    #[context(log)]
    request_id: RequestId,
    #[context(log)]
    tenant: u64,
}

async fn hello() -> &'static str {
    "hello"
}

fn plain() -> Router {
    Router::new().route("/", get(hello))
}

/// The edge: the context from the request's headers; no tenant, no service.
type Make = fn(&http::request::Parts, &RequestId) -> Result<RequestCtx, StatusCode>;

fn make(head: &http::request::Parts, id: &RequestId) -> Result<RequestCtx, StatusCode> {
    let tenant = head
        .headers
        .get("x-tenant")
        .and_then(|v| v.to_str().ok()?.parse().ok());
    let tenant = tenant.ok_or(StatusCode::BAD_REQUEST)?;
    Ok(RequestCtx::builder()
        .request_id(id.clone())
        .tenant(tenant)
        .build())
}

/// The layer inside the router, as axum users write it (`Router::layer`).
fn layered() -> Router {
    plain().layer(ContextLayer::new(make as Make))
}

/// The layer around the router: the layer's own cost, without axum's per-route boxing.
fn outside() -> ContextService<Router, Make> {
    ContextLayer::new(make as Make).layer(plain())
}

/// `iters` requests through `router`, one after the other, on a current-thread runtime.
fn serve(iters: u64, router: &Router, with_id: bool) -> Duration {
    thread_local! {
        static RUNTIME: tokio::runtime::Runtime =
            tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    }
    RUNTIME.with(|runtime| {
        runtime.block_on(async {
            let mut service = router.clone().into_service::<Body>();
            let start = Instant::now();
            for _ in 0..iters {
                let mut request = Request::get("/").header("x-tenant", "7");
                if with_id {
                    request = request.header("x-request-id", "client-supplied-id-0001");
                }
                let request = request.body(Body::empty()).expect("request");
                let response = service
                    .ready()
                    .await
                    .expect("ready")
                    .call(request)
                    .await
                    .expect("response");
                black_box(response);
            }
            start.elapsed()
        })
    })
}

/// Two servers, with and without the layer, on loopback, and a client; on a runtime of their own.
struct OverTcp {
    runtime: tokio::runtime::Runtime,
    client: Client<HttpConnector, Empty<Bytes>>,
    plain: std::net::SocketAddr,
    layered: std::net::SocketAddr,
}

const IN_FLIGHT: u64 = 16;

impl OverTcp {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let (plain, layered) = runtime.block_on(async {
            let mut addresses = Vec::new();
            for router in [plain(), layered()] {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                addresses.push(listener.local_addr().expect("address"));
                tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
            }
            (addresses[0], addresses[1])
        });
        let client = Client::builder(TokioExecutor::new()).build_http();
        Self {
            runtime,
            client,
            plain,
            layered,
        }
    }

    /// `iters` requests to `address`, `IN_FLIGHT` at a time.
    fn run(&self, iters: u64, address: std::net::SocketAddr) -> Duration {
        self.runtime.block_on(async {
            let start = Instant::now();
            let mut workers = tokio::task::JoinSet::new();
            for worker in 0..IN_FLIGHT {
                let client = self.client.clone();
                workers.spawn(async move {
                    for _ in (worker..iters).step_by(usize::try_from(IN_FLIGHT).expect("small")) {
                        let request = Request::get(format!("http://{address}/"))
                            .header("x-tenant", "7")
                            .header("x-request-id", "client-supplied-id-0001")
                            .body(Empty::new())
                            .expect("request");
                        let response = client.request(request).await.expect("response");
                        black_box(response.into_body().collect().await.expect("body"));
                    }
                });
            }
            while let Some(done) = workers.join_next().await {
                done.expect("worker");
            }
            start.elapsed()
        })
    }
}

fn main() {
    let tcp = OverTcp::start();
    let tcp_without = |iters| tcp.run(iters, tcp.plain);
    let tcp_with = |iters| tcp.run(iters, tcp.layered);
    let (plain, layered) = (plain(), layered());
    let without = |iters| serve(iters, &plain, true);
    let with_incoming_id = |iters| serve(iters, &layered, true);
    let with_generated_id = |iters| serve(iters, &layered, false);
    let outside = outside();
    let with_outside = |iters: u64| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("rt");
        rt.block_on(async {
            let mut service = outside.clone();
            let start = Instant::now();
            for _ in 0..iters {
                let request = Request::get("/")
                    .header("x-tenant", "7")
                    .header("x-request-id", "client-supplied-id-0001")
                    .body(Body::empty())
                    .expect("request");
                black_box(
                    ServiceExt::<Request<Body>>::ready(&mut service)
                        .await
                        .expect("ready")
                        .call(request)
                        .await
                        .expect("response"),
                );
            }
            start.elapsed()
        })
    };

    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("http_hello_world_tcp");
    group.bench_function("without_layer", |b| b.iter_custom(tcp_without));
    group.bench_function("with_layer", |b| b.iter_custom(tcp_with));
    group.finish();
    let mut group = criterion.benchmark_group("http_hello_world_in_process");
    group.bench_function("without_layer", |b| b.iter_custom(without));
    group.bench_function("with_layer_incoming_id", |b| {
        b.iter_custom(with_incoming_id);
    });
    group.bench_function("with_layer_generated_id", |b| {
        b.iter_custom(with_generated_id);
    });
    group.finish();
    criterion.final_summary();

    support::report(
        "HTTP hello world over TCP, time per request (the inverse of throughput)",
        &[Ratio {
            subject: ("with_layer", &tcp_with),
            anchor: ("without_layer", &tcp_without),
            budget: Some(1.03),
        }],
    );
    support::report(
        "HTTP hello world in-process, time per request",
        &[
            Ratio {
                subject: ("with_layer_incoming_id", &with_incoming_id),
                anchor: ("without_layer", &without),
                budget: None,
            },
            Ratio {
                subject: ("with_layer_generated_id", &with_generated_id),
                anchor: ("without_layer", &without),
                budget: None,
            },
            Ratio {
                subject: ("layer_outside_router", &with_outside),
                anchor: ("without_layer", &without),
                budget: None,
            },
        ],
    );
}
