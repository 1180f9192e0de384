//! The server side: [`ContextLayer`] builds the contexts from each request (or awaits them:
//! [`ContextLayer::new_async`]), or refuses the request, and runs the inner service inside them.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http::{Request, Response, StatusCode, request};
use tokio::task::LocalKey;
use tower_layer::Layer;
use tower_service::Service;
use tracing::Level;

use super::body::Kept;
use super::deadline::{Deadlines, Late, Limited, limit};
use super::refusal::{self, AsRefused, Refuse};
use super::{ContextBody, Contexts, RequestId, grpc};
use crate::carrier::{BAGGAGE_HEADER, Inbound};
use crate::core::Sealed;
use crate::{Baggage, Current, LogValue, RequestContext, Scoped};

const POLLED_AFTER: &str = "`ContextFuture` polled after completion";

#[cfg(doc)]
use super::Refusal;
#[cfg(doc)]
use crate::CarrierError;

/// A tower layer that builds a context from each request and runs the inner service inside it.
///
/// `make` gets the request's head and its [`RequestId`] and returns the context (or several:
/// [`Contexts`]), or a [`Refusal`] (a status, a response, a [`CarrierError`]) that refuses the
/// request before any handler runs (no tenant → 400). The inner service's response future, where
/// axum runs extractors and handlers, runs inside the context. A constructor that must await (a
/// session or a tenant looked up in a database, a key set fetched) is given to
/// [`new_async`](Self::new_async).
///
/// The request id is chosen once per request: an id already in the request's extensions (from a
/// [`RequestIdLayer`](super::RequestIdLayer) or another `ContextLayer` outside this one) is
/// used, otherwise the request's valid `x-request-id`, otherwise a fresh one; it is left in the
/// request's extensions for the layers and handlers inside, and echoed in the response's
/// `x-request-id` and extensions, refusals included.
///
/// A refusal is logged once, as a `tracing` event at `INFO` ([`log_refusals`](Self::log_refusals)
/// changes the level): `request_id`, `status` and `reason` (the refusal's
/// [`Refusal::reason`], never a value the request carried). The response is the refusal's own,
/// unless [`refuse_with`](Self::refuse_with) maps it (to a JSON problem body, say).
///
/// ```
/// use context_runtime::{ContextLayer, RequestContext, RequestId};
/// use http::{Request, Response, StatusCode};
/// use tower::{ServiceBuilder, ServiceExt};
///
/// #[derive(RequestContext)]
/// struct RequestCtx {
///     #[context(log)] request_id: RequestId,
///     #[context(log)] tenant: u64,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let service = ServiceBuilder::new()
///     .layer(ContextLayer::new(|head: &http::request::Parts, id: &RequestId| -> Result<_, StatusCode> {
///         let tenant = head.headers.get("x-tenant").and_then(|v| v.to_str().ok()?.parse().ok());
///         let tenant = tenant.ok_or(StatusCode::BAD_REQUEST)?;
///         Ok(RequestCtx::builder().request_id(id.clone()).tenant(tenant).build())
///     }))
///     .service_fn(|_request: Request<()>| async {
///         // the handler, and everything it calls, reads the context:
///         Ok::<_, std::convert::Infallible>(Response::new(format!("tenant {}", RequestCtx::with(|c| *c.tenant()))))
///     });
///
/// let request = Request::builder().header("x-tenant", "7").header("x-request-id", "r-1").body(()).unwrap();
/// let response = service.clone().oneshot(request).await.unwrap();
/// assert_eq!(response.headers()["x-request-id"], "r-1");
/// assert_eq!(response.into_body().into_inner().as_deref(), Some("tenant 7")); // see `ContextBody`
///
/// let refused = service.oneshot(Request::new(())).await.unwrap();
/// assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
/// assert!(refused.headers().contains_key("x-request-id")); // a fresh id, for the client's report
/// # }
/// ```
///
/// **The layer faces clients unless told otherwise.** Whatever the internet sends is not
/// believed: a request's `baggage` header is removed before the constructor (and everything
/// inside) sees it, so a client cannot choose its tenant by sending `baggage: tenant=999`, and
/// its entries are not forwarded to the services behind. One `INFO` event, "client baggage
/// dropped", records it with the request's id and the number of entries (never their values);
/// its target is `context_runtime::http::server`, where a subscriber's filter can quiet it for
/// clients that always send baggage.
/// Build the facts from the app's own sources: a verified token, an API key looked up, a header
/// the app validates.
///
/// Behind another service of ours, the layer is told so with [`internal`](Self::internal): the
/// context then comes from the request's `baggage` (written by
/// [`PropagateLayer`](super::PropagateLayer) upstream) and a request without it is refused once,
/// with the [`CarrierError`] naming every missing or unreadable field; entries of other
/// producers that are not in the W3C format are left out, never a refusal. `PropagateLayer` also
/// sends the caller's `x-request-id`, so the `&RequestId` here is the id of the request that
/// started it all, the same one the caller echoed and logged.
///
/// What the request brought in is carried on by the requests made while serving it:
/// [`PropagateLayer`](super::PropagateLayer) (and [`inject_current`](crate::inject_current))
/// send its request id and, at an internal hop, forward its `baggage` entries after the
/// contexts' own fields.
///
/// ```
/// # use context_runtime::{CarrierError, ContextLayer, RequestContext, RequestId};
/// # #[derive(RequestContext)]
/// # struct RequestCtx {
/// #     #[context(propagate)] request_id: RequestId,
/// #     #[context(propagate)] tenant: u64,
/// # }
/// let layer = ContextLayer::new(|head: &http::request::Parts, _: &RequestId| {
///     RequestCtx::extract(&head.headers).map(|builder| builder.build())
/// })
/// .internal(); // its callers are our own services: their `baggage` is believed
/// ```
///
/// The default is the public edge because a mistake there is loud and a mistake the other way
/// is silent: an internal hop left public refuses every request (its fields are missing) and the
/// first test shows it, while a public edge that believed `baggage` would serve forged tenants
/// without a sign. Internal hops reachable from outside should also require signed fields.
#[derive(Clone)]
pub struct ContextLayer<F, R = AsRefused> {
    make: F,
    edge: Edge<R>,
}

impl<F> ContextLayer<F> {
    /// A layer that builds each request's context with `make`: `Fn(&Parts, &RequestId) ->
    /// Result<impl Contexts, impl Refusal>`. `make` runs before any context is set, so a line it
    /// logs carries no context field (pass the `&RequestId` to it); the refusal's log event
    /// carries the id. A constructor that logs or calls other services is better given to
    /// [`new_async`](Self::new_async), which runs it with the request's id set.
    pub fn new(make: F) -> Self {
        Self {
            make,
            edge: Edge::default(),
        }
    }

    /// A layer whose constructor awaits: `make` gets the request's head and id, and returns a
    /// future of the context (or several) or a refusal. The future runs with the request's id
    /// in the log lines it emits (as a `request_id` field) and in the requests it sends through
    /// a [`PropagateLayer`](super::PropagateLayer); it must own what it reads of the head
    /// (clone a header out before the `async move`). The inner service must be `Clone` (the
    /// ready one is moved into the response future, as tower's async middleware do).
    ///
    /// ```
    /// use context_runtime::{ContextLayer, RequestContext, RequestId};
    /// use http::{Request, Response, StatusCode};
    /// use tower::{ServiceBuilder, ServiceExt};
    ///
    /// #[derive(RequestContext)]
    /// struct RequestCtx { tenant: String }
    ///
    /// /// A lookup that awaits (a database, an auth service).
    /// async fn tenant_of(key: Option<http::HeaderValue>) -> Option<String> {
    ///     tokio::task::yield_now().await;
    ///     (key?.as_bytes() == b"k-7").then(|| "acme".to_owned())
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let service = ServiceBuilder::new()
    ///     .layer(ContextLayer::new_async(|head: &http::request::Parts, _: &RequestId| {
    ///         let key = head.headers.get("x-api-key").cloned();
    ///         async move {
    ///             let tenant = tenant_of(key).await.ok_or(StatusCode::UNAUTHORIZED)?;
    ///             Ok::<_, StatusCode>(RequestCtx::builder().tenant(tenant).build())
    ///         }
    ///     }))
    ///     .service_fn(|_: Request<()>| async {
    ///         Ok::<_, std::convert::Infallible>(Response::new(RequestCtx::with(|c| c.tenant().clone())))
    ///     });
    /// let ok = service.clone().oneshot(Request::builder().header("x-api-key", "k-7").body(()).unwrap()).await.unwrap();
    /// assert_eq!(ok.into_body().into_inner().as_deref(), Some("acme"));
    /// let refused = service.oneshot(Request::new(())).await.unwrap();
    /// assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    /// # }
    /// ```
    pub fn new_async(make: F) -> ContextLayer<Awaiting<F>> {
        ContextLayer {
            make: Awaiting(make),
            edge: Edge::default(),
        }
    }
}

/// The constructor of [`ContextLayer::new_async`]: `make` returns a future. The layer is the same
/// type either way, its refusal settings too.
///
/// ```
/// use context_runtime::{Awaiting, ContextLayer, RequestId};
/// use http::StatusCode;
///
/// let layer: ContextLayer<Awaiting<_>> =
///     ContextLayer::new_async(|_: &http::request::Parts, _: &RequestId| async { Err::<(), _>(StatusCode::FORBIDDEN) })
///         .log_refusals(None);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Awaiting<F>(F);

impl<F, R> ContextLayer<F, R> {
    /// Answers refusals with `refuse(error, &request_id)` instead of the refusal's own response
    /// (the log event then gives the error's `Display` as its reason: keep values out of it).
    ///
    /// ```
    /// use context_runtime::{CarrierError, ContextLayer, RequestContext, RequestId};
    /// use http::{Request, Response, StatusCode};
    /// use tower::{ServiceBuilder, ServiceExt};
    ///
    /// #[derive(RequestContext)]
    /// struct RequestCtx { #[context(propagate)] tenant: u64 }
    ///
    /// /// This API speaks JSON, refusals too.
    /// fn problem(error: CarrierError, id: &RequestId) -> Response<String> {
    ///     let body = serde_json::json!({ "title": "bad baggage", "detail": error.to_string(), "request_id": id.as_str() });
    ///     Response::builder().status(StatusCode::BAD_REQUEST)
    ///         .header("content-type", "application/problem+json")
    ///         .body(body.to_string()).unwrap()
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let service = ServiceBuilder::new()
    ///     .layer(ContextLayer::new(|head: &http::request::Parts, _: &RequestId| {
    ///         RequestCtx::extract(&head.headers).map(|builder| builder.build())
    ///     }).internal().refuse_with(problem))
    ///     .service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(String::new())) });
    /// let refused = service.oneshot(Request::new(())).await.unwrap();
    /// assert_eq!(refused.headers()["content-type"], "application/problem+json");
    /// assert!(refused.into_body().into_inner().unwrap().contains("tenant"));
    /// # }
    /// ```
    pub fn refuse_with<R2>(self, refuse: R2) -> ContextLayer<F, R2> {
        ContextLayer {
            make: self.make,
            edge: self.edge.refuse_with(refuse),
        }
    }

    /// Declares the layer an internal hop: its callers are this system's own services (behind
    /// the public edge, on a network clients cannot reach), so the request's `baggage` is left
    /// for the constructor to `extract` and forwarded by [`PropagateLayer`](super::PropagateLayer)
    /// on the requests sent while serving it. Without it (the default, a public edge) the
    /// `baggage` header is removed before the constructor runs.
    ///
    /// ```
    /// use context_runtime::{ContextLayer, RequestContext, RequestId};
    /// use http::{Request, Response};
    /// use tower::{ServiceBuilder, ServiceExt};
    ///
    /// #[derive(RequestContext)]
    /// struct RequestCtx { #[context(propagate)] tenant: u64 }
    ///
    /// fn extract(head: &http::request::Parts, _: &RequestId) -> Result<RequestCtx, context_runtime::CarrierError> {
    ///     RequestCtx::extract(&head.headers).map(|builder| builder.build())
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let handler = |_: Request<String>| async {
    ///     Ok::<_, std::convert::Infallible>(Response::new(RequestCtx::with(|c| c.tenant().to_string())))
    /// };
    /// let request = || Request::builder().header("baggage", "tenant=7").body(String::new()).unwrap();
    ///
    /// let internal = ServiceBuilder::new().layer(ContextLayer::new(extract).internal()).service_fn(handler);
    /// assert_eq!(internal.oneshot(request()).await.unwrap().into_body().into_inner().as_deref(), Some("7"));
    ///
    /// // A public edge never reads it: the client's `tenant` is not believed.
    /// let public = ServiceBuilder::new().layer(ContextLayer::new(extract)).service_fn(handler);
    /// assert_eq!(public.oneshot(request()).await.unwrap().status(), 400);
    /// # }
    /// ```
    #[must_use]
    pub fn internal(mut self) -> Self {
        self.edge.internal = true;
        self
    }

    /// The level of the log event of a refused request (`INFO` by default), or `None` for no
    /// event.
    ///
    /// ```
    /// # use context_runtime::{ContextLayer, RequestId};
    /// let quiet = ContextLayer::new(|_: &http::request::Parts, _: &RequestId| Err::<(), _>(http::StatusCode::FORBIDDEN))
    ///     .log_refusals(Some(tracing::Level::DEBUG));
    /// ```
    #[must_use]
    pub fn log_refusals(mut self, level: Option<Level>) -> Self {
        self.edge.log = level;
        self
    }

    /// Gives every request a [`Deadline`](crate::Deadline): the budget its caller sent in
    /// `grpc-timeout` (what [`PropagateLayer`](super::PropagateLayer) and gRPC clients send), or
    /// `budget` when it sent none. The service runs inside it, so code below reads
    /// [`Deadline::remaining`](crate::Deadline::remaining) and bounds its work with
    /// [`timeout`](crate::timeout); when it passes before the response is ready, the handler's
    /// future is dropped and the request is answered 504 (a gRPC call, `DEADLINE_EXCEEDED`),
    /// logged like a refusal. A request dropped before its response (its client went away)
    /// wakes [`done`](crate::done) in the work it spawned.
    ///
    /// Without `deadline`, a request that states a budget still gets one, and one that does not
    /// runs without. A malformed `grpc-timeout` (a sign, a fraction, more than eight digits) is
    /// ignored: the request gets the default. The budget covers the service and the response's
    /// head, not an async constructor's work nor the body streamed after the head.
    ///
    /// ```
    /// use std::time::Duration;
    /// use context_runtime::{ContextLayer, Deadline, RequestContext, RequestId};
    /// use http::{Request, Response, StatusCode};
    /// use tower::{ServiceBuilder, ServiceExt};
    ///
    /// #[derive(RequestContext)]
    /// struct RequestCtx { request_id: RequestId }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let service = ServiceBuilder::new()
    ///     .layer(ContextLayer::new(|_: &http::request::Parts, id: &RequestId| {
    ///         Ok::<_, StatusCode>(RequestCtx::builder().request_id(id.clone()).build())
    ///     })
    ///     .deadline(Duration::from_secs(2))
    ///     .max_deadline(Duration::from_secs(10)))
    ///     .service_fn(|request: Request<()>| async move {
    ///         if request.uri() == "/slow" {
    ///             tokio::time::sleep(Duration::from_secs(60)).await;
    ///         }
    ///         let left = Deadline::remaining().unwrap();
    ///         Ok::<_, std::convert::Infallible>(Response::new(format!("{}ms left", left.as_millis())))
    ///     });
    ///
    /// let asked = Request::builder().header("grpc-timeout", "50m").uri("/").body(()).unwrap();
    /// let left = service.clone().oneshot(asked).await.unwrap().into_body().into_inner().unwrap();
    /// assert!(left.trim_end_matches("ms left").parse::<u64>().unwrap() <= 50);
    ///
    /// let slow = Request::builder().header("grpc-timeout", "20m").uri("/slow").body(()).unwrap();
    /// assert_eq!(service.oneshot(slow).await.unwrap().status(), StatusCode::GATEWAY_TIMEOUT);
    /// # }
    /// ```
    #[must_use]
    pub fn deadline(mut self, budget: Duration) -> Self {
        self.edge.deadlines.default = Some(budget);
        self
    }

    /// The most a caller may ask for in `grpc-timeout`: a longer budget is cut to `max` (by
    /// default a caller's budget is taken as it is, since it can only shorten its own request).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use context_runtime::{ContextLayer, RequestId};
    /// let layer = ContextLayer::new(|_: &http::request::Parts, _: &RequestId| Ok::<_, http::StatusCode>(()))
    ///     .max_deadline(Duration::from_secs(30));
    /// ```
    #[must_use]
    pub fn max_deadline(mut self, max: Duration) -> Self {
        self.edge.deadlines.max = Some(max);
        self
    }

    /// The status of a request whose deadline passed before its response was ready: 504 Gateway
    /// Timeout by default (503, or 408 for a client's own budget, are other choices). A gRPC
    /// call gets the code the status maps to (504: `DEADLINE_EXCEEDED`).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use context_runtime::{ContextLayer, RequestId};
    /// let layer = ContextLayer::new(|_: &http::request::Parts, _: &RequestId| Ok::<_, http::StatusCode>(()))
    ///     .deadline(Duration::from_secs(5))
    ///     .on_deadline(http::StatusCode::SERVICE_UNAVAILABLE);
    /// ```
    #[must_use]
    pub fn on_deadline(mut self, status: StatusCode) -> Self {
        self.edge.deadlines.status = status;
        self
    }
}

impl<F, R> fmt::Debug for ContextLayer<F, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextLayer")
            .field("internal", &self.edge.internal)
            .field("log_refusals", &self.edge.log)
            .field("deadline", &self.edge.deadlines.default)
            .field("max_deadline", &self.edge.deadlines.max)
            .finish_non_exhaustive()
    }
}

impl<S, F: Clone, R: Clone> Layer<S> for ContextLayer<F, R> {
    type Service = ContextService<S, F, R>;

    fn layer(&self, inner: S) -> Self::Service {
        ContextService {
            inner,
            make: self.make.clone(),
            edge: self.edge.clone(),
        }
    }
}

/// What the layer believes of a request and does with a refusal, either constructor: whether
/// its `baggage` is read, and how a refusal is answered (as it says, or as the app maps it) and
/// logged.
#[derive(Clone)]
struct Edge<R> {
    /// An internal hop: the callers' `baggage` is believed.
    internal: bool,
    refuse: R,
    log: Option<Level>,
    deadlines: Deadlines,
}

impl Default for Edge<AsRefused> {
    fn default() -> Self {
        Self {
            internal: false,
            refuse: AsRefused,
            log: Some(Level::INFO),
            deadlines: Deadlines::default(),
        }
    }
}

impl<R> Edge<R> {
    fn refuse_with<R2>(self, refuse: R2) -> Edge<R2> {
        Edge {
            internal: self.internal,
            refuse,
            log: self.log,
            deadlines: self.deadlines,
        }
    }

    /// The request's deadline, and how it is answered when the deadline passes.
    fn deadline(&self, head: &request::Parts) -> (Option<Instant>, Late) {
        let deadline = self.deadlines.of_request(&head.headers);
        let late = Late {
            status: self.deadlines.status,
            // Only a request with a deadline can be answered late: the others skip the lookup.
            grpc: deadline.is_some() && grpc::is_grpc(&head.headers),
            log: self.log,
        };
        (deadline, late)
    }

    /// The `baggage` the request brought in, to forward: at an internal hop, what it says; at a
    /// public edge, nothing, and the header is removed (its removal logged), so that neither the
    /// constructor nor anything inside sees it.
    fn received(&self, head: &mut request::Parts, id: &RequestId) -> Baggage {
        if self.internal {
            Baggage::extract(&head.headers)
        } else {
            drop_client_baggage(&mut head.headers, id);
            Baggage::new()
        }
    }

    /// The response to `error`, logged; a gRPC request's as gRPC says.
    fn refuse<E, B>(
        &self,
        error: E,
        id: &RequestId,
        head: &http::HeaderMap,
    ) -> Response<ContextBody<B>>
    where
        R: Refuse<E, B>,
    {
        let (response, reason) = self.refuse.refuse(error, id);
        refusal::answer(
            response,
            reason.as_deref(),
            grpc::is_grpc(head),
            self.log,
            id,
        )
    }
}

/// The service of [`ContextLayer`].
#[derive(Clone)]
pub struct ContextService<S, F, R = AsRefused> {
    inner: S,
    make: F,
    edge: Edge<R>,
}

impl<S, F, R> fmt::Debug for ContextService<S, F, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextService").finish_non_exhaustive()
    }
}

impl<S, F, C, E, R, ReqBody, ResBody> Service<Request<ReqBody>> for ContextService<S, F, R>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    F: Fn(&request::Parts, &RequestId) -> Result<C, E>,
    C: Contexts,
    R: Refuse<E, ResBody>,
{
    type Response = Response<ContextBody<ResBody>>;
    type Error = S::Error;
    type Future = ContextFuture<C, S::Future, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let (mut head, body) = request.into_parts();
        let id = RequestId::of_request(&mut head);
        let received = self.edge.received(&mut head, &id);
        let mut kept = Kept::default();
        let state = match (self.make)(&head, &id) {
            Ok(contexts) => {
                let inbound = inbound(received, &id);
                let (deadline, late) = self.edge.deadline(&head);
                // The inner service's `call` only starts the work (axum routes there); the handler
                // and everything it calls run in the future, inside the context, and the
                // response body in the handles kept.
                let future = self.inner.call(Request::from_parts(head, body));
                Serving::Serve {
                    future: serve(contexts, inbound, deadline, future, &mut kept),
                    late,
                }
            }
            Err(error) => Serving::Refuse {
                refusal: Some(self.edge.refuse(error, &id, &head.headers)),
            },
        };
        ContextFuture {
            state,
            id: Some(id),
            kept,
        }
    }
}

/// `future` inside the contexts, the runtime's `Inbound` and the request's deadline (if it has
/// one), a handle to each kept for the body.
fn serve<C: Contexts, Fut: Future>(
    contexts: C,
    inbound: Current<Inbound>,
    deadline: Option<Instant>,
    future: Fut,
    kept: &mut Kept,
) -> C::Scoped<Scoped<Inbound, Limited<Fut>>> {
    let future = limit(deadline, future, kept);
    kept.inbound = Some(inbound.clone());
    contexts.scope_kept(inbound.scope(future), &mut kept.contexts)
}

/// What the request brought in, for the requests sent while serving it: the `baggage` it is
/// believed to have brought, and its id.
fn inbound(received: Baggage, id: &RequestId) -> Current<Inbound> {
    Inbound::request(received, id.header_value().clone())
}

/// Removes the client's `baggage` from a request at a public edge, and logs that it did: how
/// many entries, never what they said.
fn drop_client_baggage(headers: &mut http::HeaderMap, id: &RequestId) {
    // A lookup first: `entry` reserves room for an insertion, work wasted on most requests.
    if !headers.contains_key(BAGGAGE_HEADER) {
        return;
    }
    let mut values = match headers.entry(BAGGAGE_HEADER) {
        http::header::Entry::Occupied(entry) => entry.remove_entry_mult().1,
        http::header::Entry::Vacant(_) => return,
    };
    let entries: usize = values
        .by_ref()
        .map(|value| {
            value
                .as_bytes()
                .split(|&byte| byte == b',')
                .filter(|member| !member.trim_ascii().is_empty())
                .count()
        })
        .sum();
    tracing::info!(
        request_id = id.as_str(),
        entries,
        "client baggage dropped: this edge is public (`ContextLayer::internal` for one behind it)"
    );
}

pin_project_lite::pin_project! {
    /// The future of [`ContextService`]: the inner service's response with the request id
    /// echoed and its body inside the contexts, or the refusal.
    pub struct ContextFuture<C: Contexts, Fut: Future, B> {
        #[pin]
        state: Serving<C, Fut, B>,
        id: Option<RequestId>,
        kept: Kept,
    }
}

pin_project_lite::pin_project! {
    #[project = ServingProjection]
    enum Serving<C: Contexts, Fut: Future, B> {
        Serve { #[pin] future: C::Scoped<Scoped<Inbound, Limited<Fut>>>, late: Late },
        Refuse { refusal: Option<Response<ContextBody<B>>> },
        Done,
    }
}

impl<C: Contexts, Fut: Future, B> fmt::Debug for ContextFuture<C, Fut, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextFuture").finish_non_exhaustive()
    }
}

impl<C, Fut, B, E> Future for ContextFuture<C, Fut, B>
where
    C: Contexts,
    Fut: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<ContextBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut state = this.state;
        let response = match state.as_mut().project() {
            ServingProjection::Serve { future, late } => {
                let late = *late;
                if let Ok(response) = std::task::ready!(future.poll(cx)) {
                    within(response, std::mem::take(this.kept))
                } else {
                    // Past the deadline: the handler's future is dropped now, not with this one.
                    state.set(Serving::Done);
                    Ok(late.response(this.id.as_ref().expect(POLLED_AFTER)))
                }
            }
            ServingProjection::Refuse { refusal } => Ok(refusal.take().expect(POLLED_AFTER)),
            ServingProjection::Done => panic!("{POLLED_AFTER}"),
        };
        Poll::Ready(echo(response, this.id.take()))
    }
}

/// The inner service's `response`, its body to be polled inside `contexts`.
fn within<B, E>(
    response: Result<Response<B>, E>,
    contexts: Kept,
) -> Result<Response<ContextBody<B>>, E> {
    response.map(|response| response.map(|body| ContextBody::served(body, contexts)))
}

/// `response` with the request id echoed (once: `None` after the first poll that completes).
fn echo<B, E>(
    mut response: Result<Response<B>, E>,
    id: Option<RequestId>,
) -> Result<Response<B>, E> {
    if let (Ok(response), Some(id)) = (&mut response, id) {
        id.echo(response);
    }
    response
}

impl<S, F, Fut, C, E, R, ReqBody, ResBody> Service<Request<ReqBody>>
    for ContextService<S, Awaiting<F>, R>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone,
    F: Fn(&request::Parts, &RequestId) -> Fut,
    Fut: Future<Output = Result<C, E>>,
    C: Contexts,
    R: Refuse<E, ResBody> + Clone,
{
    type Response = Response<ContextBody<ResBody>>;
    type Error = S::Error;
    type Future = AsyncContextFuture<S, Fut, C, R, ReqBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let (mut head, body) = request.into_parts();
        let id = RequestId::of_request(&mut head);
        let inbound = inbound(self.edge.received(&mut head, &id), &id);
        let make = (self.make.0)(&head, &id);
        let make = Building::new(id.clone()).scope(inbound.clone().scope(make));
        let (deadline, late) = self.edge.deadline(&head);
        // The ready service goes with the request; its clone waits for the next `poll_ready`.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        AsyncContextFuture {
            state: Stage::Build {
                make,
                pending: Some(Pending {
                    inner,
                    request: Request::from_parts(head, body),
                    inbound,
                    deadline,
                    late,
                }),
            },
            edge: self.edge.clone(),
            id: Some(id),
            kept: Kept::default(),
        }
    }
}

/// What the request waits with while its contexts are built.
struct Pending<S, ReqBody> {
    inner: S,
    request: Request<ReqBody>,
    inbound: Current<Inbound>,
    deadline: Option<Instant>,
    late: Late,
}

pin_project_lite::pin_project! {
    /// The future of [`ContextService`] for [`ContextLayer::new_async`]: the constructor's future (inside the request's id),
    /// then the inner service's response inside the contexts, with the request id echoed; or the
    /// refusal.
    pub struct AsyncContextFuture<S: Service<Request<ReqBody>>, Fut: Future, C: Contexts, R, ReqBody> {
        #[pin]
        state: Stage<S, Fut, C, ReqBody>,
        edge: Edge<R>,
        id: Option<RequestId>,
        kept: Kept,
    }
}

pin_project_lite::pin_project! {
    #[project = StageProjection]
    enum Stage<S: Service<Request<ReqBody>>, Fut: Future, C: Contexts, ReqBody> {
        Build { #[pin] make: Scoped<Building, Scoped<Inbound, Fut>>, pending: Option<Pending<S, ReqBody>> },
        Serve { #[pin] future: C::Scoped<Scoped<Inbound, Limited<S::Future>>>, late: Late },
        Done,
    }
}

impl<S, Fut, C, R, ReqBody> fmt::Debug for AsyncContextFuture<S, Fut, C, R, ReqBody>
where
    S: Service<Request<ReqBody>>,
    Fut: Future,
    C: Contexts,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncContextFuture").finish_non_exhaustive()
    }
}

impl<S, Fut, C, E, R, ReqBody, ResBody> Future for AsyncContextFuture<S, Fut, C, R, ReqBody>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    Fut: Future<Output = Result<C, E>>,
    C: Contexts,
    R: Refuse<E, ResBody>,
{
    type Output = Result<Response<ContextBody<ResBody>>, S::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StageProjection::Build { make, pending } => {
                    let built = std::task::ready!(make.poll(cx));
                    let Some(Pending {
                        mut inner,
                        request,
                        inbound,
                        deadline,
                        late,
                    }) = pending.take()
                    else {
                        panic!("`AsyncContextFuture` polled after completion")
                    };
                    match built {
                        Ok(contexts) => {
                            let future = inner.call(request);
                            this.state.set(Stage::Serve {
                                future: serve(contexts, inbound, deadline, future, this.kept),
                                late,
                            });
                        }
                        Err(error) => {
                            this.state.set(Stage::Done);
                            let Some(id) = this.id.take() else {
                                panic!("`AsyncContextFuture` polled after completion")
                            };
                            let refusal = this.edge.refuse(error, &id, request.headers());
                            return Poll::Ready(echo(Ok(refusal), Some(id)));
                        }
                    }
                }
                StageProjection::Serve { future, late } => {
                    let late = *late;
                    let response = std::task::ready!(future.poll(cx));
                    // Done, or past its deadline: the handler's future is dropped now.
                    this.state.set(Stage::Done);
                    let response = if let Ok(response) = response {
                        within(response, std::mem::take(this.kept))
                    } else {
                        Ok(late.response(this.id.as_ref().expect(POLLED_AFTER)))
                    };
                    return Poll::Ready(echo(response, this.id.take()));
                }
                StageProjection::Done => {
                    panic!("`AsyncContextFuture` polled after completion")
                }
            }
        }
    }
}

/// The context of a request whose contexts are being built by an async constructor: its id, on
/// the log lines the constructor emits (the contexts it builds are not set yet). A context of
/// the runtime's own, like `Inbound`.
struct Building {
    request_id: RequestId,
}

tokio::task_local! {
    static BUILDING: Current<Building>;
}

impl Sealed for Building {}

impl RequestContext for Building {
    fn __storage() -> &'static LocalKey<Current<Self>> {
        &BUILDING
    }

    fn __log_fields(&self, visit: &mut dyn FnMut(&'static str, LogValue<'_>)) {
        visit("request_id", LogValue::Str(self.request_id.as_str()));
    }
}

impl Building {
    fn new(request_id: RequestId) -> Current<Self> {
        Current::new(Self { request_id })
    }
}
