//! A tonic service behind `ContextLayer`, called by a tonic client through `PropagateLayer`, with
//! JSON logs.
//!
//! `cargo run --example grpc` serves the orders service (`orders.proto` beside this file; its
//! Rust code is generated and checked in, so no `protoc` is needed) on a loopback port, then:
//! a unary call and a server-streaming call whose every item logs with the call's request id,
//! and a call without a tenant, which the client sees as `INVALID_ARGUMENT` with its reason and
//! its request id. It checks what it prints, and exits non-zero if anything is off.

#[allow(
    clippy::all,
    clippy::pedantic,
    missing_docs,
    unreachable_pub,
    unused_qualifications,
    rust_2018_idioms
)]
mod orders;

use std::io;
use std::sync::{Arc, Mutex};

use context_runtime::{
    ContextLayer, Destinations, LogContext, PropagateLayer, Refusal, RequestContext, RequestId,
};
use http::request::Parts;
use orders::orders_client::OrdersClient;
use orders::orders_server::{Orders, OrdersServer};
use orders::{GetOrderRequest, ListOrdersRequest, Order};
use tokio_stream::StreamExt as _;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Channel, Server};
use tonic::{Code, Request, Response, Status};
use tower::ServiceBuilder;

/// The call's context, built at the edge from its metadata.
#[derive(RequestContext)]
struct CallCtx {
    #[context(log)]
    request_id: RequestId,
    #[context(log, propagate)]
    tenant: u64,
}

/// The edge: `x-tenant` or a refusal, which a gRPC client gets as `INVALID_ARGUMENT`.
fn call_context(head: &Parts, id: &RequestId) -> Result<CallCtx, NoTenant> {
    let tenant = head
        .headers
        .get("x-tenant")
        .and_then(|v| v.to_str().ok()?.parse().ok());
    let tenant = tenant.ok_or(NoTenant)?;
    Ok(CallCtx::builder()
        .request_id(id.clone())
        .tenant(tenant)
        .build())
}

/// No tenant: 400 to an HTTP client, `INVALID_ARGUMENT` (400's gRPC code) to a gRPC one, with the
/// reason as the message.
struct NoTenant;

impl<B: Default> Refusal<B> for NoTenant {
    fn into_response(self) -> http::Response<B> {
        http::StatusCode::BAD_REQUEST.into_response()
    }

    fn reason(&self) -> Option<String> {
        Some("no x-tenant: send the caller's tenant id".to_owned())
    }
}

struct OrdersService;

fn order(id: u64) -> Order {
    CallCtx::with(|c| Order {
        id,
        tenant: *c.tenant(),
        request_id: c.request_id().to_string(),
    })
}

#[tonic::async_trait]
impl Orders for OrdersService {
    async fn get_order(
        &self,
        request: Request<GetOrderRequest>,
    ) -> Result<Response<Order>, Status> {
        let id = request.into_inner().id;
        tracing::info!(order = id, "order read"); // carries request_id and tenant
        Ok(Response::new(order(id)))
    }

    type ListOrdersStream =
        std::pin::Pin<Box<dyn tokio_stream::Stream<Item = Result<Order, Status>> + Send>>;

    async fn list_orders(
        &self,
        request: Request<ListOrdersRequest>,
    ) -> Result<Response<Self::ListOrdersStream>, Status> {
        let count = u64::from(request.into_inner().count);
        // Made as the response streams, after this method returned: still inside the context.
        let items = tokio_stream::iter(0..count).map(|id| {
            tracing::info!(order = id, "order streamed");
            Ok(order(id))
        });
        Ok(Response::new(Box::pin(items)))
    }
}

/// Every line the subscriber writes, kept to check.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl io::Write for Lines {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        io::stdout().write_all(bytes)?;
        self.0.lock().expect("lines").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stdout().flush()
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let lines = Lines::default();
    let writer = lines.clone();
    tracing_subscriber::fmt()
        .json()
        .event_format(LogContext::json(
            tracing_subscriber::fmt::format().json().flatten_event(true),
        ))
        .with_writer(move || writer.clone())
        .init();

    // The server: tonic's own builder, the context layer in front of the service.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let server = Server::builder()
        .layer(ContextLayer::new(call_context))
        .add_service(OrdersServer::new(OrdersService));
    tokio::spawn(server.serve_with_incoming(TcpIncoming::from(listener)));

    // The client: a channel through `PropagateLayer` (a call made inside a context carries it on).
    // The channel is bound to our own service: everything it sends may carry our fields.
    let channel = Channel::from_shared(format!("http://{address}"))?
        .connect()
        .await?;
    let mut client = OrdersClient::new(
        ServiceBuilder::new()
            .layer(PropagateLayer::new(Destinations::all()))
            .service(channel),
    );

    let mut call = Request::new(GetOrderRequest { id: 7 });
    call.metadata_mut().insert("x-tenant", "42".parse()?);
    let response = client.get_order(call).await?;
    let id = response
        .metadata()
        .get("x-request-id")
        .ok_or("no request id")?
        .to_str()?
        .to_owned();
    let order = response.into_inner();
    println!(
        "order {} of tenant {}, request {id}",
        order.id, order.tenant
    );
    assert_eq!((order.tenant, order.request_id.as_str()), (42, id.as_str()));

    let mut call = Request::new(ListOrdersRequest { count: 3 });
    call.metadata_mut().insert("x-tenant", "42".parse()?);
    call.metadata_mut()
        .insert("x-request-id", "list-1".parse()?);
    let mut stream = client.list_orders(call).await?.into_inner();
    while let Some(order) = stream.message().await? {
        println!(
            "streamed order {} of request {}",
            order.id, order.request_id
        );
        assert_eq!(order.request_id, "list-1");
    }

    let refused = client
        .get_order(GetOrderRequest { id: 8 })
        .await
        .expect_err("no tenant");
    let refused_id = refused
        .metadata()
        .get("x-request-id")
        .ok_or("no request id")?
        .to_str()?;
    println!(
        "refused: {:?} \"{}\" (request {refused_id})",
        refused.code(),
        refused.message()
    );
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(
        refused.message(),
        "no x-tenant: send the caller's tenant id"
    );

    // Every streamed item logged with its call's id; the refusal logged once, with its code.
    let text = String::from_utf8(lines.0.lock().expect("lines").clone())?;
    let streamed = text
        .lines()
        .filter(|l| l.contains("order streamed") && l.contains(r#""request_id":"list-1""#));
    assert_eq!(
        streamed.count(),
        3,
        "every streamed item carries the request id"
    );
    let refusal = format!(r#""request_id":"{refused_id}""#);
    assert!(text.lines().any(|l| l.contains("request refused")
        && l.contains(&refusal)
        && l.contains(r#""grpc_status":3"#)));
    println!("ok: every line carries its call's request id; the refusal is INVALID_ARGUMENT");
    Ok(())
}
