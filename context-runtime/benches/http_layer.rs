//! The HTTP layer's cost: the same axum hello-world with and without `ContextLayer`, logging
//! off, in one run, two ways:
//! - over real TCP on loopback, driven by a real HTTP client (hyper) with 16 requests in flight:
//!   the throughput a service sees; the budget (the layer costs ≤ 3%) is checked here;
//! - in-process, each request through the router as a tower service, no sockets: the layer's own
//!   work laid bare; every response's body is read to its end. Beside it, the anchor its budget
//!   is set on: the same context written by hand (a `tokio::task_local!` of an `Arc`, set by a
//!   minimal tower service, the response body polled inside it too) inside tower-http's
//!   recommended request-id stack (`SetRequestIdLayer::x_request_id(MakeRequestUuid)` +
//!   `PropagateRequestIdLayer::x_request_id()`; its ids are UUID v4, ours v7); that stack alone
//!   (an id, no context), our `RequestIdLayer` alone and `ContextLayer::new_async`, for reference.
//!
//! `cargo bench -p context-runtime --bench http_layer` prints criterion's figures, then the
//! paired ratios. `benches/instructions.sh http_layer <variant>...` counts instructions per
//! request under cachegrind (deterministic, where timings on a shared machine are not), through
//! this binary's `--count <variant> <iterations>` mode (in-process variants only).

use std::hint::black_box;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use context_runtime::{ContextLayer, ContextService, RequestContext, RequestId, RequestIdLayer};
use criterion::Criterion;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tower::{Layer, Service, ServiceBuilder, ServiceExt};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

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

/// The same constructor through `new_async`, already done: `std::future::ready`.
fn make_ready(
    head: &http::request::Parts,
    id: &RequestId,
) -> std::future::Ready<Result<RequestCtx, StatusCode>> {
    std::future::ready(make(head, id))
}

/// The same constructor through `new_async`, as users write one: what it reads of the head
/// cloned out, then an `async move` (that never awaits here).
fn make_async(
    head: &http::request::Parts,
    id: &RequestId,
) -> impl Future<Output = Result<RequestCtx, StatusCode>> + Send + use<> {
    let tenant = head.headers.get("x-tenant").cloned();
    let id = id.clone();
    async move {
        let tenant = tenant.and_then(|v| v.to_str().ok()?.parse().ok());
        let tenant = tenant.ok_or(StatusCode::BAD_REQUEST)?;
        Ok(RequestCtx::builder().request_id(id).tenant(tenant).build())
    }
}

/// The layer inside the router, as axum users write it (`Router::layer`).
fn layered() -> Router {
    plain().layer(ContextLayer::new(make as Make))
}

/// `ContextLayer::new_async` inside the router, its constructor ready at once.
fn layered_ready() -> Router {
    plain().layer(ContextLayer::new_async(make_ready))
}

/// `ContextLayer::new_async` inside the router, its constructor an `async move`.
fn layered_async() -> Router {
    plain().layer(ContextLayer::new_async(make_async))
}

/// `RequestIdLayer` alone inside the router: the id chosen, kept and echoed; no context.
fn request_id_layered() -> Router {
    plain().layer(RequestIdLayer)
}

/// tower-http's recommended request-id stack inside the router (the id set on the request if it
/// has none, UUID v4, then echoed in the response; no validation of an incoming id, no context):
/// the anchor of the budget before the layer kept a context's worth of state of its own, kept for
/// reference.
fn tower_http_layered() -> Router {
    plain().layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(PropagateRequestIdLayer::x_request_id()),
    )
}

/// The like-for-like anchor: tower-http's request-id stack, and the context written by hand
/// inside it, as a user without this library would: a `tokio::task_local!` holding an `Arc` of
/// the same two facts, set around the inner service's future by a minimal tower service (no
/// boxing, no `from_fn`), the request refused with 400 when it has no tenant; with `body`, the
/// response body polled inside it too (a body wrapper entering the task-local at each frame, what
/// keeps a streamed response in its request, as the layer does). Nothing travels on to outgoing
/// requests (no `baggage` kept), and nothing more is logged.
fn tower_http_hand_context_layered(body: bool) -> Router {
    plain().layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(tower::layer::layer_fn(move |inner| HandContext {
                inner,
                body,
            })),
    )
}

/// The facts of [`RequestCtx`], for the hand-written layer.
struct HandCtx {
    #[allow(dead_code)] // set, never read: the handler reads nothing, in every variant
    request_id: tower_http::request_id::RequestId,
    #[allow(dead_code)]
    tenant: u64,
}

tokio::task_local! {
    static HAND_CTX: std::sync::Arc<HandCtx>;
}

/// The hand-written context layer's service.
#[derive(Clone)]
struct HandContext<S> {
    inner: S,
    /// Whether the response body is polled inside the context too.
    body: bool,
}

impl<S> Service<Request<Body>> for HandContext<S>
where
    S: Service<Request<Body>, Response = axum::response::Response>,
{
    type Response = axum::response::Response;
    type Error = S::Error;
    type Future = HandFuture<S::Future>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let tenant = request
            .headers()
            .get("x-tenant")
            .and_then(|v| v.to_str().ok()?.parse().ok());
        let id = request
            .extensions()
            .get::<tower_http::request_id::RequestId>()
            .cloned();
        if let (Some(tenant), Some(request_id)) = (tenant, id) {
            let ctx = std::sync::Arc::new(HandCtx { request_id, tenant });
            HandFuture::Serve {
                for_body: self.body.then(|| ctx.clone()),
                future: HAND_CTX.scope(ctx, self.inner.call(request)),
            }
        } else {
            let mut refused = axum::response::Response::new(Body::empty());
            *refused.status_mut() = StatusCode::BAD_REQUEST;
            HandFuture::Refuse {
                refused: Some(refused),
            }
        }
    }
}

pin_project_lite::pin_project! {
    /// The hand-written layer's future: the inner one inside the context, or the refusal.
    #[project = HandProjection]
    enum HandFuture<F> {
        Serve {
            #[pin] future: tokio::task::futures::TaskLocalFuture<std::sync::Arc<HandCtx>, F>,
            for_body: Option<std::sync::Arc<HandCtx>>,
        },
        Refuse { refused: Option<axum::response::Response>, },
    }
}

impl<F, E> Future for HandFuture<F>
where
    F: Future<Output = Result<axum::response::Response, E>>,
{
    type Output = F::Output;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        match self.project() {
            HandProjection::Serve { future, for_body } => {
                let response = std::task::ready!(future.poll(cx))?;
                std::task::Poll::Ready(Ok(match for_body.take() {
                    Some(ctx) => response.map(|inner| Body::new(HandBody { inner, ctx })),
                    None => response,
                }))
            }
            HandProjection::Refuse { refused } => {
                std::task::Poll::Ready(Ok(refused.take().expect("polled once")))
            }
        }
    }
}

pin_project_lite::pin_project! {
    /// The hand-written response body: each frame polled inside the context.
    struct HandBody {
        #[pin]
        inner: Body,
        ctx: std::sync::Arc<HandCtx>,
    }
}

impl http_body::Body for HandBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        let this = self.project();
        let inner = this.inner;
        HAND_CTX.sync_scope(this.ctx.clone(), || inner.poll_frame(cx))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// The layer around the router: the layer's own cost, without axum's per-route boxing.
fn outside() -> ContextService<Router, Make> {
    ContextLayer::new(make as Make).layer(plain().with_state(()))
}

/// `iters` requests through `service` (a router's, or the layer around one), one after the other,
/// on a current-thread runtime; each with an `x-tenant`, and an `x-request-id` if `with_id`; each
/// response's body read to its end, as a server writing it out would.
fn serve<S, B>(iters: u64, service: &S, with_id: bool) -> Duration
where
    S: Service<Request<Body>, Response = http::Response<B>> + Clone,
    S::Error: std::fmt::Debug,
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    thread_local! {
        static RUNTIME: tokio::runtime::Runtime =
            tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    }
    RUNTIME.with(|runtime| {
        runtime.block_on(async {
            let mut service = service.clone();
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
                let body = response.into_body().collect().await.expect("body");
                black_box(body);
            }
            start.elapsed()
        })
    })
}

/// An in-process variant: its name, and `iters` requests through it.
type InProcess = (&'static str, Box<dyn Fn(u64) -> Duration>);

/// A router's variant: its requests through `router`, with or without an incoming id.
fn routed(name: &'static str, router: Router, with_id: bool) -> InProcess {
    // `with_state` turns the handlers into routes (and applies the layers) once, as
    // `axum::serve` does; a bare `into_service` would do it again for every request.
    let service = router.with_state(()).into_service::<Body>();
    (name, Box::new(move |iters| serve(iters, &service, with_id)))
}

/// The in-process variants, in the order criterion runs them.
fn in_process() -> Vec<InProcess> {
    let outside = outside();
    vec![
        routed("without_layer", plain(), true),
        routed("with_layer_incoming_id", layered(), true),
        routed("with_layer_generated_id", layered(), false),
        routed("async_ready_incoming_id", layered_ready(), true),
        routed("async_move_incoming_id", layered_async(), true),
        routed("id_layer_incoming_id", request_id_layered(), true),
        routed("id_layer_generated_id", request_id_layered(), false),
        routed("tower_http_incoming_id", tower_http_layered(), true),
        routed("tower_http_generated_id", tower_http_layered(), false),
        routed(
            "hand_context_incoming_id",
            tower_http_hand_context_layered(false),
            true,
        ),
        routed(
            "hand_context_generated_id",
            tower_http_hand_context_layered(false),
            false,
        ),
        routed(
            "hand_body_incoming_id",
            tower_http_hand_context_layered(true),
            true,
        ),
        routed(
            "hand_body_generated_id",
            tower_http_hand_context_layered(true),
            false,
        ),
        (
            "layer_outside_router",
            Box::new(move |iters| serve(iters, &outside, true)),
        ),
    ]
}

/// Requests served before the counted ones, in `--count` mode (the runtime built, the routers'
/// and the allocator's first-time work done), as many for 0 counted requests as for N.
const WARM_UP: u64 = 1_000;

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
    let variants = in_process();
    let variant = |name: &str| {
        variants
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, variant)| &**variant)
            .expect("a variant of this benchmark")
    };
    // `--count <variant> <iterations>`: for an instruction count (`benches/instructions.sh`).
    if let Some((name, iters)) = support::count_args() {
        let variant = variant(&name);
        black_box(variant(WARM_UP));
        black_box(variant(iters));
        return;
    }

    let tcp = OverTcp::start();
    let tcp_without = |iters| tcp.run(iters, tcp.plain);
    let tcp_with = |iters| tcp.run(iters, tcp.layered);

    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("http_hello_world_tcp");
    group.bench_function("without_layer", |b| b.iter_custom(tcp_without));
    group.bench_function("with_layer", |b| b.iter_custom(tcp_with));
    group.finish();
    let mut group = criterion.benchmark_group("http_hello_world_in_process");
    for (name, variant) in &variants {
        group.bench_function(*name, |b| b.iter_custom(variant));
    }
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
    let ratio = |subject: &'static str, anchor: &'static str, budget: Option<f64>| Ratio {
        subject: (subject, variant(subject)),
        anchor: (anchor, variant(anchor)),
        budget,
    };
    support::report(
        "HTTP hello world in-process, time per request",
        &[
            ratio("with_layer_incoming_id", "without_layer", None),
            ratio("with_layer_generated_id", "without_layer", None),
            ratio("layer_outside_router", "without_layer", None),
            ratio("tower_http_incoming_id", "without_layer", None),
            // The budget: the layer within 10% of the same context written by hand over
            // tower-http's request-id stack, its response body polled inside the context too;
            // the 10% is what it does beyond that code (the request's id and `baggage` kept for
            // the requests sent while serving it, ~7%).
            ratio(
                "with_layer_incoming_id",
                "hand_body_incoming_id",
                Some(1.10),
            ),
            ratio(
                "with_layer_generated_id",
                "hand_body_generated_id",
                Some(1.10),
            ),
            // For reference: the hand-written context whose body is not polled inside it.
            ratio("with_layer_incoming_id", "hand_context_incoming_id", None),
            // For reference: against tower-http's stack alone (an id, no context).
            ratio("with_layer_incoming_id", "tower_http_incoming_id", None),
            ratio("with_layer_generated_id", "tower_http_generated_id", None),
            ratio("id_layer_incoming_id", "tower_http_incoming_id", None),
            ratio("id_layer_generated_id", "tower_http_generated_id", None),
            ratio("async_ready_incoming_id", "with_layer_incoming_id", None),
            ratio("async_move_incoming_id", "with_layer_incoming_id", None),
        ],
    );
}
