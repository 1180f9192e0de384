//! Two services, one request: the `orders` service calls the `inventory` service over HTTP, and
//! the inventory's log lines carry the request id, tenant and trace id of the order request that
//! caused them, though it is another process as far as either knows.
//!
//! What crosses is chosen per field: `#[context(propagate)]` fields go in the W3C `baggage`
//! header, next to the W3C `traceparent` header, both written by one OpenTelemetry composite
//! propagator (`TraceContextPropagator` + our `ContextPropagator`). The caller's bearer token is
//! `sensitive`, so it cannot be propagated; the inventory has a context type of its own, which
//! shares only the propagated fields' names with the caller's.
//!
//! `cargo run --example services` starts both on 127.0.0.1, sends 20 concurrent order requests, prints the
//! JSON log lines and the headers the inventory received, and exits non-zero unless every
//! inventory line carries its order request's ids and no header carries the token.

use std::io;
use std::sync::{Arc, LazyLock, Mutex};

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode};
use axum::routing::get;
use context_runtime::{
    Baggage, CarrierError, ContextLayer, ContextPropagator, LogContext, RequestContext, RequestId,
};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use opentelemetry::propagation::{
    Extractor, Injector, TextMapCompositePropagator, TextMapPropagator,
};
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
use opentelemetry_sdk::propagation::TraceContextPropagator;

const TOKEN: &str = "Bearer s3cr3t-never-forwarded";
const REQUESTS: u64 = 20;

/// The orders service's context.
#[derive(RequestContext)]
struct OrderCtx {
    #[context(log, propagate)]
    request_id: RequestId,
    #[context(log, propagate)]
    tenant: u64,
    #[context(log)]
    trace_id: String,
    #[context(sensitive)]
    token: String,
}

/// The inventory service's context: the propagated fields, under the same names, and its own.
#[derive(RequestContext)]
struct InventoryCtx {
    #[context(log, propagate)]
    request_id: RequestId,
    #[context(log, propagate)]
    tenant: u64,
    #[context(log)]
    trace_id: String,
}

/// `traceparent` and `baggage`, in one propagator, built once for both services.
static PROPAGATOR: LazyLock<TextMapCompositePropagator> = LazyLock::new(|| {
    TextMapCompositePropagator::new(vec![
        Box::new(TraceContextPropagator::new()),
        Box::new(ContextPropagator::new()),
    ])
});

// ---- the orders service -----------------------------------------------------------------------

type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Empty<Bytes>>;

/// The handler: no parameter carries the request's ids.
async fn place_order(Path(sku): Path<u64>, client: HttpClient, inventory: String) -> String {
    tracing::info!(sku, "placing order");
    let stock = check_stock(&client, &inventory, sku).await;
    tracing::info!(sku, %stock, "order placed");
    stock
}

/// The outgoing call: the propagator writes the headers from the current context.
async fn check_stock(client: &HttpClient, inventory: &str, sku: u64) -> String {
    let mut request = Request::get(format!("{inventory}/stock/{sku}"))
        .body(Empty::new())
        .expect("a request");
    let span = OrderCtx::with(|ctx| span_of(ctx.trace_id()));
    let cx = opentelemetry::Context::new().with_remote_span_context(span);
    PROPAGATOR.inject_context(&cx, &mut HeaderInjector(request.headers_mut()));
    let response = client
        .request(request)
        .await
        .expect("the inventory answers");
    let body = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    String::from_utf8_lossy(&body).into_owned()
}

/// The span this request belongs to (a real service would take it from its tracer).
fn span_of(trace_id: &str) -> SpanContext {
    SpanContext::new(
        TraceId::from_hex(trace_id).unwrap_or(TraceId::INVALID),
        SpanId::from_hex("00f067aa0ba902b7").expect("a span id"),
        TraceFlags::SAMPLED,
        false,
        TraceState::default(),
    )
}

fn order_context(head: &http::request::Parts, id: &RequestId) -> Result<OrderCtx, StatusCode> {
    let header = |name: &str| head.headers.get(name).and_then(|v| v.to_str().ok());
    let tenant = header("x-tenant").and_then(|v| v.parse().ok());
    Ok(OrderCtx::builder()
        .request_id(id.clone())
        .tenant(tenant.ok_or(StatusCode::BAD_REQUEST)?)
        .trace_id(TraceId::from(uuid::Uuid::now_v7().as_u128()).to_string())
        .token(header("authorization").unwrap_or_default().to_owned())
        .build())
}

// ---- the inventory service --------------------------------------------------------------------

/// Every request's headers, as received, to show what crossed.
type Received = Arc<Mutex<Vec<HeaderMap>>>;

async fn stock(Path(sku): Path<u64>) -> String {
    let units = InventoryCtx::with(|ctx| ctx.tenant() * 100 + sku);
    tracing::info!(sku, units, "stock checked");
    units.to_string()
}

/// Rebuilds the caller's facts from `traceparent` and `baggage`; refuses a request without them
/// (400, saying which field is missing).
fn inventory_context(
    head: &http::request::Parts,
    _: &RequestId,
) -> Result<InventoryCtx, CarrierError> {
    let cx = PROPAGATOR.extract(&HeaderExtractor(&head.headers));
    let trace_id = cx.span().span_context().trace_id().to_string();
    let baggage = cx.get::<Baggage>().cloned().unwrap_or_default();
    Ok(InventoryCtx::from_baggage(&baggage)?
        .trace_id(trace_id)
        .build())
}

// ---- OpenTelemetry's view of HTTP headers -----------------------------------------------------

struct HeaderInjector<'a>(&'a mut HeaderMap);

impl Injector for HeaderInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::try_from(key),
            HeaderValue::try_from(value),
        ) {
            self.0.insert(name, value);
        }
    }
}

struct HeaderExtractor<'a>(&'a HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
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

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let log = Tee::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .json()
        .event_format(LogContext::json(
            tracing_subscriber::fmt::format().json().flatten_event(true),
        ))
        .with_writer(move || writer.clone())
        .init();

    let received = Received::default();
    let seen = received.clone();
    let inventory = Router::new()
        .route("/stock/{sku}", get(stock))
        // behind the orders service: its callers' `baggage` is believed (a public edge drops it)
        .layer(ContextLayer::new(inventory_context).internal())
        .layer(axum::middleware::map_request(
            move |request: Request<axum::body::Body>| {
                seen.lock()
                    .expect("headers")
                    .push(request.headers().clone());
                async move { request }
            },
        ));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let inventory_url = format!("http://{}", listener.local_addr()?);
    let inventory_server = tokio::spawn(async move { axum::serve(listener, inventory).await });

    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
    let orders_client = client.clone();
    let orders = Router::new()
        .route(
            "/orders/{sku}",
            get(move |sku| place_order(sku, orders_client.clone(), inventory_url.clone())),
        )
        .layer(ContextLayer::new(order_context));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let orders_url = format!("http://{}", listener.local_addr()?);
    let orders_server = tokio::spawn(async move { axum::serve(listener, orders).await });

    let mut calls = Vec::new();
    for i in 0..REQUESTS {
        let request = Request::get(format!("{orders_url}/orders/{i}"))
            .header("x-tenant", i % 3 + 1)
            .header("x-request-id", format!("order-{i}"))
            .header("authorization", TOKEN)
            .body(Empty::new())?;
        calls.push(tokio::spawn(client.request(request)));
    }
    for call in calls {
        let response = call.await??;
        assert_eq!(response.status(), StatusCode::OK);
    }
    orders_server.abort();
    inventory_server.abort();

    summarize(&log, &received.lock().expect("headers"))
}

/// Checks what the inventory saw against what the orders service logged.
fn summarize(log: &Tee, received: &[HeaderMap]) -> Result<(), Box<dyn std::error::Error>> {
    let text = String::from_utf8_lossy(&log.0.lock().expect("log buffer")).into_owned();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    let field = |line: &serde_json::Value, key: &str| line[key].to_string();
    let placed: Vec<_> = lines
        .iter()
        .filter(|l| l["message"] == "order placed")
        .collect();
    let checked: Vec<_> = lines
        .iter()
        .filter(|l| l["message"] == "stock checked")
        .collect();
    let mut matching = 0;
    for line in &checked {
        let caller = placed
            .iter()
            .find(|l| field(l, "request_id") == field(line, "request_id"));
        if caller.is_some_and(|caller| {
            ["tenant", "trace_id"]
                .iter()
                .all(|key| field(caller, key) == field(line, key))
        }) {
            matching += 1;
        }
    }
    println!("\nwhat the inventory received (first request):");
    if let Some(headers) = received.first() {
        for (name, value) in headers {
            println!("  {name}: {}", value.to_str().unwrap_or("<binary>"));
        }
    }
    let leaked = received
        .iter()
        .flat_map(HeaderMap::values)
        .filter(|value| value.as_bytes().windows(6).any(|w| w == b"s3cr3t"))
        .count();
    println!(
        "\n{REQUESTS} order requests; {} inventory lines, {matching} carry their order request's \
         request_id, tenant and trace_id; {leaked} received headers carry the token",
        checked.len()
    );
    if checked.len() as u64 != REQUESTS || matching != checked.len() || leaked > 0 {
        return Err("the inventory did not see exactly its callers' ids".into());
    }
    Ok(())
}
