//! gRPC as a first-class edge (features `grpc` and `tracing`): tonic 0.14 servers behind
//! `ContextLayer` and tonic clients over real TCP on loopback, every JSON log line captured.
//!
//! - 50 concurrent calls with 50 tenants each see their own context, and get their own request id
//!   back in the response metadata.
//! - Refused calls reach the tonic client as the code their refusal maps to (the mapping table,
//!   observed through a real client), with the reason in the message and the request id in the
//!   metadata, and log one "request refused" event with the gRPC code.
//! - The carrier refusal in its plain form, `T::extract(&head.headers).map(|b| b.build())`,
//!   compiles on tonic's body and refuses bad baggage with `INVALID_ARGUMENT` naming the field; an
//!   app's `refuse_with` returning `tonic::Status::into_http()` is sent as it is.
//! - A server-streaming call: every item, made after the method returned, reads the call's
//!   context and logs with its request id, for 20 concurrent streams.
//! - An axum streaming body: every frame is made inside the request's context.
//! - `PropagateLayer` on a tonic `Channel`: the next service gets the propagated fields and the
//!   request id, never a sensitive field.

#![cfg(all(feature = "grpc", feature = "tracing"))]

mod logs;
mod served;

#[allow(
    clippy::all,
    clippy::pedantic,
    missing_docs,
    unreachable_pub,
    unused_qualifications,
    rust_2018_idioms
)]
#[path = "../../context-runtime/examples/grpc/orders.rs"]
mod orders;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::OnceLock;

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use context_runtime::{
    CarrierError, ContextLayer, Destinations, GrpcCode, PropagateLayer, PropagateService, Refusal,
    RequestContext, RequestId,
};
use http::StatusCode;
use http::request::Parts;
use orders::orders_client::OrdersClient;
use orders::orders_server::{Orders, OrdersServer};
use orders::{GetOrderRequest, ListOrdersRequest, Order};
use serde_json::Value;
use tokio_stream::StreamExt as _;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Channel, Server};
use tonic::{Code, Request, Response, Status};
use tower::ServiceBuilder;

// ---- the harness ------------------------------------------------------------------------------

fn lines() -> &'static logs::Lines {
    static LINES: OnceLock<logs::Lines> = OnceLock::new();
    LINES.get_or_init(logs::capture_json)
}

fn json_lines() -> Vec<Value> {
    lines()
        .text()
        .lines()
        .map(|line| serde_json::from_str(line).expect("every line is JSON"))
        .collect()
}

/// The lines whose message is `message` and whose `field` is `value`.
fn lines_with(message: &str, field: &str, value: &str) -> Vec<Value> {
    json_lines()
        .into_iter()
        .filter(|line| line["message"] == message && line[field] == value)
        .collect()
}

/// A tonic server with `layer` around the orders service, on a fresh loopback port.
macro_rules! serve_grpc {
    ($layer:expr, $service:expr) => {{
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let router = Server::builder()
            .layer($layer)
            .add_service(OrdersServer::new($service));
        tokio::spawn(async move {
            router
                .serve_with_incoming(TcpIncoming::from(listener))
                .await
                .expect("serve")
        });
        address
    }};
}

/// A client of `address` whose calls carry the contexts set at each call (`PropagateLayer`).
async fn client(address: SocketAddr) -> OrdersClient<PropagateService<Channel>> {
    let channel = Channel::from_shared(format!("http://{address}"))
        .expect("uri")
        .connect()
        .await
        .expect("connect");
    OrdersClient::new(
        ServiceBuilder::new()
            // a channel to one of our services: everything it sends may carry our fields
            .layer(PropagateLayer::new(Destinations::all()))
            .service(channel),
    )
}

/// A call with metadata.
fn call<T>(message: T, metadata: &[(&'static str, &str)]) -> Request<T> {
    let mut request = Request::new(message);
    for (name, value) in metadata {
        request
            .metadata_mut()
            .insert(*name, value.parse().expect("ascii"));
    }
    request
}

fn request_id_of(metadata: &tonic::metadata::MetadataMap) -> String {
    metadata
        .get("x-request-id")
        .expect("the request id, echoed")
        .to_str()
        .expect("visible")
        .to_owned()
}

// ---- the contexts and the service -------------------------------------------------------------

/// The edge's context: the caller's tenant (from `x-tenant`, or the `baggage`), the request id.
#[derive(RequestContext)]
struct CallCtx {
    #[context(log, propagate)]
    tenant: u64,
    #[context(log)]
    request_id: RequestId,
}

/// The app's refusal of a call without a tenant: 400 to HTTP, `INVALID_ARGUMENT` to gRPC.
struct NoTenant;

impl<B: Default> Refusal<B> for NoTenant {
    fn into_response(self) -> http::Response<B> {
        let mut response = http::Response::new(B::default());
        *response.status_mut() = StatusCode::BAD_REQUEST;
        response
    }

    fn reason(&self) -> Option<String> {
        Some("no x-tenant: send the caller's tenant id".to_owned())
    }
}

/// The tenant from `x-tenant`; `x-refuse: <status>` refuses with that HTTP status (to observe
/// the mapping).
fn tenant_edge(head: &Parts, id: &RequestId) -> Result<CallCtx, RefuseAs> {
    if let Some(status) = head.headers.get("x-refuse") {
        let status = status.to_str().ok().and_then(|s| s.parse().ok());
        return Err(RefuseAs::Status(
            status.unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        ));
    }
    let tenant = head.headers.get("x-tenant");
    let tenant = tenant.and_then(|v| v.to_str().ok()?.parse().ok());
    let tenant = tenant.ok_or(RefuseAs::NoTenant)?;
    Ok(CallCtx::builder()
        .tenant(tenant)
        .request_id(id.clone())
        .build())
}

/// The tenant edge's refusals.
enum RefuseAs {
    NoTenant,
    Status(StatusCode),
}

impl<B: Default> Refusal<B> for RefuseAs {
    fn into_response(self) -> http::Response<B> {
        match self {
            Self::NoTenant => NoTenant.into_response(),
            Self::Status(status) => status.into_response(),
        }
    }

    fn reason(&self) -> Option<String> {
        match self {
            Self::NoTenant => Refusal::<B>::reason(&NoTenant),
            Self::Status(status) => Refusal::<B>::reason(status),
        }
    }
}

/// The baggage edge in the plain form the README documents: a `CarrierError` refuses.
#[allow(clippy::redundant_closure_for_method_calls)] // written as the README writes it
fn baggage_layer()
-> ContextLayer<impl Fn(&Parts, &RequestId) -> Result<BaggageCtx, CarrierError> + Clone> {
    ContextLayer::new(|head: &Parts, _: &RequestId| {
        BaggageCtx::extract(&head.headers).map(|builder| builder.build())
    })
    .internal() // behind another service of ours: its `baggage` is believed
}

/// The context of a service behind another: its tenant from the `baggage`.
#[derive(RequestContext)]
struct BaggageCtx {
    #[context(log, propagate)]
    tenant: u64,
}

/// The caller's context, on the client side: its token must never leave the process.
#[derive(RequestContext)]
struct CallerCtx {
    #[context(propagate)]
    tenant: u64,
    #[context(sensitive)]
    token: String,
}

const TOKEN: &str = "tok-93be-never-sent";

/// The orders service: reads whichever context its edge built; `downstream`, if any, is called
/// through `PropagateLayer` from inside the call.
#[derive(Clone, Default)]
struct OrdersService {
    downstream: Option<OrdersClient<PropagateService<Channel>>>,
}

/// The order as the server sees it now: the tenant and request id of the context set here.
fn seen(id: u64) -> Order {
    let (tenant, request_id) = CallCtx::try_with(|c| (*c.tenant(), c.request_id().to_string()))
        .or_else(|| BaggageCtx::try_with(|c| (*c.tenant(), String::new())))
        .unwrap_or_default();
    Order {
        id,
        tenant,
        request_id,
    }
}

#[tonic::async_trait]
impl Orders for OrdersService {
    async fn get_order(
        &self,
        request: Request<GetOrderRequest>,
    ) -> Result<Response<Order>, Status> {
        let baggage = request.metadata().get("baggage").cloned();
        let id = request.into_inner().id;
        tracing::info!(order = id, "get order");
        // Behind another service: what this one received, for the test to read.
        let mut response = match &self.downstream {
            Some(downstream) => {
                let mut downstream = downstream.clone();
                let inner = downstream.get_order(GetOrderRequest { id }).await?;
                let (metadata, order, _) = inner.into_parts();
                let mut response = Response::new(order);
                if let Some(seen) = metadata.get("x-seen-baggage") {
                    response
                        .metadata_mut()
                        .insert("x-downstream-baggage", seen.clone());
                }
                response.metadata_mut().insert(
                    "x-downstream-id",
                    metadata.get("x-request-id").cloned().expect("id"),
                );
                response
            }
            None => Response::new(seen(id)),
        };
        if let Some(baggage) = baggage.and_then(|b| b.to_str().ok()?.parse().ok()) {
            response.metadata_mut().insert("x-seen-baggage", baggage);
        }
        Ok(response)
    }

    type ListOrdersStream =
        std::pin::Pin<Box<dyn tokio_stream::Stream<Item = Result<Order, Status>> + Send>>;

    async fn list_orders(
        &self,
        request: Request<ListOrdersRequest>,
    ) -> Result<Response<Self::ListOrdersStream>, Status> {
        let count = u64::from(request.into_inner().count);
        // Each item is made when the response body is polled, after this method has returned.
        let items = tokio_stream::iter(0..count).then(|i| async move {
            tokio::task::yield_now().await;
            tracing::info!(item = i, "list item");
            Ok(seen(i))
        });
        Ok(Response::new(Box::pin(items)))
    }
}

// ---- the tests --------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_calls_each_see_their_own_tenant_and_id() {
    lines();
    let address = serve_grpc!(ContextLayer::new(tenant_edge), OrdersService::default());
    let client = client(address).await;
    let calls = (0..50u64).map(|tenant| {
        let mut client = client.clone();
        tokio::spawn(async move {
            let tenant_text = tenant.to_string();
            let id = format!("grpc-call-{tenant}");
            let request = call(
                GetOrderRequest { id: tenant },
                &[("x-tenant", &tenant_text), ("x-request-id", &id)],
            );
            let response = client.get_order(request).await.expect("served");
            (tenant, id, response)
        })
    });
    let mut ids = HashSet::new();
    for call in calls.collect::<Vec<_>>() {
        let (tenant, id, response) = call.await.expect("call");
        assert_eq!(request_id_of(response.metadata()), id, "echoed");
        let order = response.into_inner();
        assert_eq!(order.tenant, tenant, "call {id} saw another tenant");
        assert_eq!(order.request_id, id, "call {id} saw another id");
        let logged = lines_with("get order", "request_id", &id);
        assert_eq!(logged.len(), 1, "{id}: {logged:?}");
        assert_eq!(logged[0]["tenant"], tenant, "{id}: its line's tenant");
        ids.insert(id);
    }
    assert_eq!(ids.len(), 50);
}

/// What a tonic client reports for a refusal, and the event the server logged.
async fn refused(
    client: &mut OrdersClient<PropagateService<Channel>>,
    metadata: &[(&'static str, &str)],
) -> (Status, String, Value) {
    let status = client
        .get_order(call(GetOrderRequest { id: 1 }, metadata))
        .await
        .expect_err("refused");
    let id = request_id_of(status.metadata());
    let events = lines_with("request refused", "request_id", &id);
    assert_eq!(events.len(), 1, "one event per refusal: {events:?}");
    (status, id, events[0].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_call_is_its_grpc_code_with_the_reason_and_the_request_id() {
    lines();
    let address = serve_grpc!(ContextLayer::new(tenant_edge), OrdersService::default());
    let mut client = client(address).await;

    // No tenant: the app's refusal, INVALID_ARGUMENT with its reason.
    let (status, id, event) = refused(&mut client, &[("x-request-id", "no-tenant-1")]).await;
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert_eq!(status.message(), "no x-tenant: send the caller's tenant id");
    assert_eq!(id, "no-tenant-1");
    assert_eq!(event["status"], 400);
    assert_eq!(event["grpc_status"], 3);
    assert_eq!(event["reason"], "no x-tenant: send the caller's tenant id");

    // A malformed tenant, with a generated id.
    let (status, id, _) = refused(&mut client, &[("x-tenant", "seven")]).await;
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(id.len(), 36, "a fresh UUID: {id}");

    // The mapping of a refusal's HTTP status, as a tonic client sees it.
    for (http, code) in [
        (400, Code::InvalidArgument),
        (401, Code::Unauthenticated),
        (403, Code::PermissionDenied),
        (404, Code::NotFound),
        (408, Code::DeadlineExceeded),
        (409, Code::Aborted),
        (422, Code::InvalidArgument),
        (429, Code::ResourceExhausted),
        (499, Code::Cancelled),
        (500, Code::Internal),
        (501, Code::Unimplemented),
        (502, Code::Internal),
        (503, Code::Unavailable),
        (504, Code::DeadlineExceeded),
    ] {
        let http_text = http.to_string();
        let (status, _, event) = refused(&mut client, &[("x-refuse", &http_text)]).await;
        assert_eq!(status.code(), code, "HTTP {http}: {status:?}");
        let http_status = StatusCode::from_u16(http).expect("a status");
        // The status's reason phrase, if it has one (499 has none: no message).
        let reason = http_status.canonical_reason().unwrap_or_default();
        assert_eq!(status.message(), reason, "HTTP {http}");
        assert_eq!(event["status"], http);
        assert_eq!(event["grpc_status"], i32::from(code));
        assert_eq!(
            GrpcCode::from_http_status(http_status).as_i32(),
            i32::from(code)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plain_carrier_refusal_is_invalid_argument_naming_the_field() {
    lines();
    let address = serve_grpc!(baggage_layer(), OrdersService::default());
    let mut client = client(address).await;

    for baggage in [None, Some("tenant=acme-77c1-never-logged")] {
        let mut metadata = vec![("x-request-id", "baggage-refused")];
        metadata.extend(baggage.map(|b| ("baggage", b)));
        let status = client
            .get_order(call(GetOrderRequest { id: 1 }, &metadata))
            .await
            .expect_err("refused");
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        assert!(
            status.message().contains("`tenant`"),
            "names the field: {}",
            status.message()
        );
        assert!(!status.message().contains("acme-77c1"), "never the value");
        assert_eq!(request_id_of(status.metadata()), "baggage-refused");
    }
    let events = lines_with("request refused", "request_id", "baggage-refused");
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(events.iter().all(|e| e["grpc_status"] == 3));
    assert!(!lines().text().contains("acme-77c1"), "a value was logged");

    // Good baggage: served, the tenant read from it.
    let served = client
        .get_order(call(GetOrderRequest { id: 1 }, &[("baggage", "tenant=42")]))
        .await
        .expect("served");
    assert_eq!(served.into_inner().tenant, 42);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tonic_status_from_refuse_with_or_the_constructor_is_sent_as_it_is() {
    lines();
    let mapped = baggage_layer().refuse_with(|error: CarrierError, id: &RequestId| {
        Status::failed_precondition(format!("bad baggage ({error}); quote {id}"))
            .into_http::<tonic::body::Body>()
    });
    let address = serve_grpc!(mapped, OrdersService::default());
    let mut client = client(address).await;
    let status = client
        .get_order(call(
            GetOrderRequest { id: 1 },
            &[("x-request-id", "mapped-1")],
        ))
        .await
        .expect_err("refused");
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert!(status.message().starts_with("bad baggage ("), "{status:?}");
    assert!(status.message().ends_with("quote mapped-1"), "{status:?}");
    assert_eq!(request_id_of(status.metadata()), "mapped-1");
    let events = lines_with("request refused", "request_id", "mapped-1");
    assert_eq!(events[0]["grpc_status"], 9, "{events:?}");

    let direct = ContextLayer::new(|_: &Parts, _: &RequestId| {
        Err::<CallCtx, _>(
            // boxed: a response is large to return in an `Err`
            Box::new(
                Status::permission_denied("tenant suspended").into_http::<tonic::body::Body>(),
            ),
        )
    });
    let address = serve_grpc!(direct, OrdersService::default());
    let status = client_call_error(address).await;
    assert_eq!(status.code(), Code::PermissionDenied);
    assert_eq!(status.message(), "tenant suspended");
}

async fn client_call_error(address: SocketAddr) -> Status {
    client(address)
        .await
        .get_order(GetOrderRequest { id: 1 })
        .await
        .expect_err("refused")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_streamed_item_reads_the_context_and_logs_with_the_request_id() {
    lines();
    let address = serve_grpc!(ContextLayer::new(tenant_edge), OrdersService::default());
    let client = client(address).await;
    let streams = (0..20u64).map(|tenant| {
        let mut client = client.clone();
        tokio::spawn(async move {
            let id = format!("stream-{tenant}");
            let request = call(
                ListOrdersRequest { count: 5 },
                &[("x-tenant", &tenant.to_string()), ("x-request-id", &id)],
            );
            let mut stream = client
                .list_orders(request)
                .await
                .expect("served")
                .into_inner();
            let mut items = Vec::new();
            while let Some(item) = stream.message().await.expect("an item") {
                items.push(item);
            }
            (tenant, id, items)
        })
    });
    for stream in streams.collect::<Vec<_>>() {
        let (tenant, id, items) = stream.await.expect("stream");
        assert_eq!(items.len(), 5, "{id}");
        for item in &items {
            assert_eq!(
                item.tenant, tenant,
                "{id}: item {} saw another tenant",
                item.id
            );
            assert_eq!(item.request_id, id, "{id}: item {} saw another id", item.id);
        }
        let logged = lines_with("list item", "request_id", &id);
        assert_eq!(logged.len(), 5, "{id}: every item's line: {logged:?}");
        assert!(logged.iter().all(|line| line["tenant"] == tenant));
    }
    let orphans: Vec<_> = json_lines()
        .into_iter()
        .filter(|line| line["message"] == "list item" && line.get("request_id").is_none())
        .collect();
    assert!(
        orphans.is_empty(),
        "items logged outside the context: {orphans:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_axum_streaming_body_is_polled_inside_the_context() {
    lines();
    let app = Router::new()
        .route(
            "/chunks",
            get(|| async {
                let chunks = tokio_stream::iter(0..4).then(|i| async move {
                    tokio::task::yield_now().await;
                    tracing::info!(chunk = i, "axum chunk");
                    let id = CallCtx::try_with(|c| c.request_id().to_string()).unwrap_or_default();
                    Ok::<_, std::convert::Infallible>(format!("{id};"))
                });
                Body::from_stream(chunks)
            }),
        )
        .layer(ContextLayer::new(tenant_edge));
    let address = served::serve(app).await;
    let reply = served::get_from(
        address,
        "/chunks",
        &[("x-tenant", "5"), ("x-request-id", "axum-stream-1")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.body,
        "axum-stream-1;".repeat(4),
        "every chunk in the context"
    );
    let logged = lines_with("axum chunk", "request_id", "axum-stream-1");
    assert_eq!(logged.len(), 4, "{logged:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn propagate_layer_on_a_channel_carries_the_fields_and_the_id_never_a_secret() {
    lines();
    let back = serve_grpc!(baggage_layer(), OrdersService::default());
    let front = OrdersService {
        downstream: Some(client(back).await),
    };
    let front = serve_grpc!(ContextLayer::new(tenant_edge), front);

    // A caller in a context: its tenant goes as baggage, its token does not.
    let mut to_back = client(back).await;
    let caller = CallerCtx::builder()
        .tenant(31)
        .token(TOKEN.to_owned())
        .build();
    let response = caller
        .scope(to_back.get_order(GetOrderRequest { id: 2 }))
        .await
        .expect("served");
    assert_eq!(
        response.metadata().get("x-seen-baggage").expect("baggage"),
        "tenant=31"
    );
    assert_eq!(
        response.into_inner().tenant,
        31,
        "read back from the baggage"
    );

    // A call served by `front`, which calls `back` from inside it: same tenant, same id.
    let mut to_front = client(front).await;
    let response = to_front
        .get_order(call(
            GetOrderRequest { id: 3 },
            &[("x-tenant", "12"), ("x-request-id", "chain-1")],
        ))
        .await
        .expect("served");
    let metadata = response.metadata();
    assert_eq!(request_id_of(metadata), "chain-1");
    assert_eq!(
        metadata.get("x-downstream-id").expect("id"),
        "chain-1",
        "one id"
    );
    assert_eq!(
        metadata.get("x-downstream-baggage").expect("baggage"),
        "tenant=12"
    );
    assert_eq!(response.into_inner().tenant, 12);
    assert_eq!(lines_with("get order", "request_id", "chain-1").len(), 1);
    assert!(
        !lines().text().contains(TOKEN),
        "a sensitive value was logged"
    );
}
