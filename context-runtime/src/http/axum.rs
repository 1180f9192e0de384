//! axum extractors (feature `axum`): a handler takes [`Current<T>`](Current) (the context
//! [`ContextLayer`](super::ContextLayer) built for the request) or [`RequestId`] as a parameter,
//! for an honest signature at the top of the call tree; a missing layer is a 500 that says so
//! ([`MissingContext`], [`MissingRequestId`]).

use std::convert::Infallible;
use std::fmt;

use axum_core::extract::{FromRequestParts, OptionalFromRequestParts};
use axum_core::response::{IntoResponse, Response};
use http::StatusCode;
use http::request::Parts;

use super::RequestId;
use crate::core::short_type_name;
use crate::{Current, RequestContext};

/// The current `T`, as a handler's parameter: what `T::try_current()` returns in the handler,
/// the context [`ContextLayer`](super::ContextLayer) built for this request.
///
/// The extractor only reads the context, it never builds one: without a layer in front of the
/// route that builds a `T`, the request is answered with [`MissingContext`] (500: a wiring
/// mistake, not the client's).
///
/// ```
/// use axum::{Router, body::Body, routing::get};
/// use context_runtime::{ContextLayer, Current, RequestContext, RequestId};
/// use http::{Request, StatusCode, request::Parts};
/// use tower::ServiceExt;
///
/// #[derive(RequestContext)]
/// struct RequestCtx { tenant: u64 }
///
/// fn request_context(head: &Parts, _: &RequestId) -> Result<RequestCtx, StatusCode> {
///     let tenant = head.headers.get("x-tenant").and_then(|v| v.to_str().ok()?.parse().ok());
///     Ok(RequestCtx::builder().tenant(tenant.ok_or(StatusCode::BAD_REQUEST)?).build())
/// }
///
/// /// The context in the signature: what the handler depends on, in plain sight.
/// async fn get_order(ctx: Current<RequestCtx>) -> String {
///     format!("an order of tenant {}", ctx.tenant())
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let app = Router::new()
///     .route("/orders/{id}", get(get_order))
///     .layer(ContextLayer::new(request_context));
/// let request = Request::get("/orders/1").header("x-tenant", "7").body(Body::empty()).unwrap();
/// let response = app.oneshot(request).await.unwrap();
/// let body = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
/// assert_eq!(body, "an order of tenant 7");
/// # }
/// ```
impl<S: Send + Sync, T: RequestContext> FromRequestParts<S> for Current<T> {
    type Rejection = MissingContext;

    async fn from_request_parts(_: &mut Parts, _: &S) -> Result<Self, MissingContext> {
        T::try_current().ok_or(MissingContext {
            context: short_type_name::<T>(),
        })
    }
}

/// `Option<Current<T>>`, as a handler's parameter: the current `T`, or `None`, for a route that
/// serves requests with and without one (a health check behind an optional layer). Never a
/// rejection.
///
/// ```
/// use axum::{Router, body::Body, routing::get};
/// use context_runtime::{Current, RequestContext};
/// use http::Request;
/// use tower::ServiceExt;
///
/// #[derive(RequestContext)]
/// struct RequestCtx { tenant: u64 }
///
/// async fn health(ctx: Option<Current<RequestCtx>>) -> String {
///     ctx.map_or_else(|| "ok, no context".to_owned(), |ctx| format!("ok, tenant {}", ctx.tenant()))
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let app = Router::new().route("/health", get(health)); // no ContextLayer in front
/// let response = app.oneshot(Request::get("/health").body(Body::empty()).unwrap()).await.unwrap();
/// assert_eq!(response.status(), 200);
/// let body = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
/// assert_eq!(body, "ok, no context");
/// # }
/// ```
impl<S: Send + Sync, T: RequestContext> OptionalFromRequestParts<S> for Current<T> {
    type Rejection = Infallible;

    async fn from_request_parts(_: &mut Parts, _: &S) -> Result<Option<Self>, Infallible> {
        Ok(T::try_current())
    }
}

/// The request's id, as a handler's parameter: the one [`ContextLayer`](super::ContextLayer) or
/// [`RequestIdLayer`](super::RequestIdLayer) chose and keeps in the request's extensions, the
/// same the response echoes in `x-request-id`.
///
/// Without either layer in front of the route, the request is answered with
/// [`MissingRequestId`] (500): an id made up here would be echoed by no one.
///
/// ```
/// use axum::{Router, body::Body, routing::get};
/// use context_runtime::{RequestId, RequestIdLayer};
/// use http::Request;
/// use tower::ServiceExt;
///
/// async fn whoami(id: RequestId) -> String {
///     format!("request {id}")
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let app = Router::new().route("/", get(whoami)).layer(RequestIdLayer);
/// let request = Request::get("/").header("x-request-id", "r-1").body(Body::empty()).unwrap();
/// let response = app.oneshot(request).await.unwrap();
/// assert_eq!(response.headers()["x-request-id"], "r-1");
/// let body = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
/// assert_eq!(body, "request r-1");
/// # }
/// ```
impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = MissingRequestId;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, MissingRequestId> {
        parts
            .extensions
            .get::<Self>()
            .cloned()
            .ok_or(MissingRequestId)
    }
}

/// The rejection of the [`Current<T>`](Current) extractor: no `T` is set for this request,
/// because no [`ContextLayer`](super::ContextLayer) is in front of the route or the one there
/// does not build a `T`.
///
/// That is a mistake in the service's wiring, not in the request: it is answered with
/// `500 Internal Server Error`, the message as a plain-text body, and logged once as a `tracing`
/// event at `ERROR` (field `context`: the type's name) when it becomes the response.
///
/// ```
/// use axum::extract::FromRequestParts;
/// use axum::response::IntoResponse;
/// use context_runtime::{Current, MissingContext, RequestContext};
///
/// #[derive(RequestContext)]
/// struct RequestCtx { tenant: u64 }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (mut head, ()) = http::Request::new(()).into_parts();
/// // no layer, no scope: no context
/// let missing: MissingContext = Current::<RequestCtx>::from_request_parts(&mut head, &())
///     .await
///     .unwrap_err();
/// assert_eq!(missing.context(), "RequestCtx");
/// assert!(missing.to_string().starts_with("no RequestCtx is set for this request"));
/// assert_eq!(missing.into_response().status(), 500);
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingContext {
    context: &'static str,
}

impl MissingContext {
    /// The name of the context type that is not set (without its module path).
    pub fn context(&self) -> &'static str {
        self.context
    }
}

impl fmt::Display for MissingContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.context;
        write!(
            f,
            "no {name} is set for this request: the handler takes `Current<{name}>`, which needs \
             a `ContextLayer` in front of its route whose constructor builds a {name} (add it \
             with `Router::layer` after the routes it covers)"
        )
    }
}

impl std::error::Error for MissingContext {}

/// `500 Internal Server Error`, the message as a plain-text body; logged at `ERROR`.
impl IntoResponse for MissingContext {
    fn into_response(self) -> Response {
        tracing::error!(context = self.context, "{self}");
        (StatusCode::INTERNAL_SERVER_ERROR, self.to_string()).into_response()
    }
}

/// The rejection of the [`RequestId`] extractor: the request has no id in its extensions,
/// because neither [`ContextLayer`](super::ContextLayer) nor
/// [`RequestIdLayer`](super::RequestIdLayer) is in front of the route.
///
/// A mistake in the service's wiring, not in the request: answered with `500 Internal Server
/// Error`, the message as a plain-text body, and logged once as a `tracing` event at `ERROR`
/// when it becomes the response.
///
/// ```
/// use axum::extract::FromRequestParts;
/// use axum::response::IntoResponse;
/// use context_runtime::{MissingRequestId, RequestId};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (mut head, ()) = http::Request::new(()).into_parts();
/// let missing = RequestId::from_request_parts(&mut head, &()).await.unwrap_err();
/// assert_eq!(missing, MissingRequestId);
/// assert!(missing.to_string().contains("RequestIdLayer"));
/// assert_eq!(missing.into_response().status(), 500);
///
/// // what the layers do: the id is kept in the request's extensions
/// let chosen = RequestId::of_request(&mut head);
/// assert_eq!(RequestId::from_request_parts(&mut head, &()).await, Ok(chosen));
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingRequestId;

impl fmt::Display for MissingRequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "this request has no RequestId: the handler takes `RequestId`, which needs a \
             `ContextLayer` or a `RequestIdLayer` in front of its route (add it with \
             `Router::layer` after the routes it covers)",
        )
    }
}

impl std::error::Error for MissingRequestId {}

/// `500 Internal Server Error`, the message as a plain-text body; logged at `ERROR`.
impl IntoResponse for MissingRequestId {
    fn into_response(self) -> Response {
        tracing::error!("{self}");
        (StatusCode::INTERNAL_SERVER_ERROR, self.to_string()).into_response()
    }
}
