//! The HTTP edge (feature `http`): [`ContextLayer`], a tower layer (axum, hyper, tonic) that
//! builds the context from each request and runs the inner service inside it, [`RequestId`],
//! and [`PropagateLayer`], the client side, which sends the context on to the next service.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::task::{Context, Poll};

use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Request, Response, request};
use tower_layer::Layer;
use tower_service::Service;

use crate::{CarrierError, LogValue, RequestContext, Scoped, ToLogValue};

/// The `x-request-id` header.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A request id: the incoming `x-request-id` when it is valid, otherwise a fresh, time-ordered
/// UUID v7.
///
/// Valid means exactly one header, 1 to 128 bytes, each a visible ASCII character (no space, no
/// control character, nothing outside ASCII). Anything else is replaced, never echoed nor logged:
/// a client cannot inject lines into logs or headers through it.
///
/// ```
/// use context_runtime::RequestId;
/// use http::HeaderMap;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("x-request-id", "abc-123".parse().unwrap());
/// assert_eq!(RequestId::from_headers(&headers).as_str(), "abc-123");
///
/// headers.insert("x-request-id", "has space".parse().unwrap());
/// let fresh = RequestId::from_headers(&headers);
/// assert_ne!(fresh.as_str(), "has space");
/// assert_eq!(fresh.as_str().len(), 36); // a UUID v7
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RequestId(HeaderValue);

impl RequestId {
    /// The longest incoming id accepted, in bytes.
    pub const MAX_LEN: usize = 128;

    /// A fresh, time-ordered id (UUID v7).
    ///
    /// ```
    /// # use context_runtime::RequestId;
    /// assert_ne!(RequestId::generate(), RequestId::generate());
    /// ```
    pub fn generate() -> Self {
        let mut text = [0; uuid::fmt::Hyphenated::LENGTH];
        let text = uuid::Uuid::now_v7().hyphenated().encode_lower(&mut text);
        Self(
            HeaderValue::from_str(text)
                .unwrap_or_else(|_| unreachable!("a UUID is a valid header value")),
        )
    }

    /// `bytes` as a request id, if they are a valid one (see the type's documentation).
    ///
    /// ```
    /// # use context_runtime::RequestId;
    /// assert!(RequestId::parse(b"r-1").is_some());
    /// assert!(RequestId::parse(b"").is_none());
    /// assert!(RequestId::parse(b"a\r\nx-admin: 1").is_none());
    /// assert!(RequestId::parse(&[b'a'; 129]).is_none());
    /// assert!(RequestId::parse("é".as_bytes()).is_none());
    /// ```
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        if !valid(bytes) {
            return None;
        }
        HeaderValue::from_bytes(bytes).ok().map(Self)
    }

    /// The request's id: its single, valid `x-request-id` header, or a fresh one.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let mut values = headers.get_all(X_REQUEST_ID).iter();
        match (values.next(), values.next()) {
            // The header's own bytes, shared rather than copied.
            (Some(value), None) if valid(value.as_bytes()) => Self(value.clone()),
            _ => Self::generate(),
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        // Only visible ASCII gets in, which is valid UTF-8.
        self.0.to_str().unwrap_or_default()
    }

    /// The id as a header value, to echo or to send on.
    pub fn header_value(&self) -> &HeaderValue {
        &self.0
    }
}

/// 1 to 128 bytes, each visible ASCII.
fn valid(bytes: &[u8]) -> bool {
    (1..=RequestId::MAX_LEN).contains(&bytes.len()) && bytes.iter().all(u8::is_ascii_graphic)
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Strict: an invalid id is an error here, not replaced (a propagated `RequestId` field is read
/// back through this).
///
/// ```
/// # use context_runtime::RequestId;
/// assert_eq!("r-1".parse::<RequestId>().unwrap().as_str(), "r-1");
/// assert!("r 1".parse::<RequestId>().is_err());
/// ```
impl FromStr for RequestId {
    type Err = InvalidRequestId;

    fn from_str(text: &str) -> Result<Self, InvalidRequestId> {
        Self::parse(text.as_bytes()).ok_or(InvalidRequestId)
    }
}

/// The error of `RequestId::from_str`: the text is not a valid request id.
///
/// ```
/// # use context_runtime::{InvalidRequestId, RequestId};
/// assert_eq!("".parse::<RequestId>(), Err(InvalidRequestId));
/// assert_eq!(
///     InvalidRequestId.to_string(),
///     "a request id is 1 to 128 visible ASCII characters"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidRequestId;

impl fmt::Display for InvalidRequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a request id is 1 to {} visible ASCII characters",
            RequestId::MAX_LEN
        )
    }
}

impl std::error::Error for InvalidRequestId {}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl ToLogValue for RequestId {
    fn to_log_value(&self) -> Option<LogValue<'_>> {
        Some(LogValue::Str(self.as_str()))
    }
}

/// What refuses a request in [`ContextLayer`]: a status (with an empty body), or a whole response
/// (boxed or not).
pub trait Refusal<B> {
    /// The response sent instead of calling the service.
    fn into_response(self) -> Response<B>;
}

impl<B: Default> Refusal<B> for http::StatusCode {
    fn into_response(self) -> Response<B> {
        let mut response = Response::new(B::default());
        *response.status_mut() = self;
        response
    }
}

impl<B> Refusal<B> for Response<B> {
    fn into_response(self) -> Response<B> {
        self
    }
}

impl<B> Refusal<B> for Box<Response<B>> {
    fn into_response(self) -> Response<B> {
        *self
    }
}

/// A context that could not be read from the request's `baggage`: 400 Bad Request, saying why.
impl<B: From<String>> Refusal<B> for CarrierError {
    fn into_response(self) -> Response<B> {
        let mut response = Response::new(B::from(self.to_string()));
        *response.status_mut() = http::StatusCode::BAD_REQUEST;
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        response
    }
}

/// A tower layer that builds a context from each request and runs the inner service inside it.
///
/// `make` gets the request's head and its [`RequestId`] and returns the context, or a
/// [`Refusal`] (a status, or a response) that refuses the request before any handler runs (no
/// tenant → 400). The inner service's response future, where axum runs extractors and handlers,
/// runs inside the context. The chosen request id is echoed in the response's `x-request-id`,
/// refusals included.
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
/// assert_eq!(response.body(), "tenant 7");
/// assert_eq!(response.headers()["x-request-id"], "r-1");
///
/// let refused = service.oneshot(Request::new(())).await.unwrap();
/// assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
/// assert!(refused.headers().contains_key("x-request-id")); // a fresh id, for the client's report
/// # }
/// ```
///
/// Behind another service of ours, the context comes from the request's `baggage` (written by
/// [`PropagateLayer`] upstream) and a request without it is refused with the [`CarrierError`].
/// The `&RequestId` argument is then this hop's own id (the one echoed to the caller), while a
/// propagated `request_id` field holds the id of the request that started it all: keep both if
/// you log per hop, or only the propagated one.
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
/// });
/// ```
#[derive(Clone)]
pub struct ContextLayer<F> {
    make: F,
}

impl<F> ContextLayer<F> {
    /// A layer that builds each request's context with `make`.
    pub fn new(make: F) -> Self {
        Self { make }
    }
}

impl<F> fmt::Debug for ContextLayer<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextLayer").finish_non_exhaustive()
    }
}

impl<S, F: Clone> Layer<S> for ContextLayer<F> {
    type Service = ContextService<S, F>;

    fn layer(&self, inner: S) -> Self::Service {
        ContextService {
            inner,
            make: self.make.clone(),
        }
    }
}

/// The service of [`ContextLayer`].
#[derive(Clone)]
pub struct ContextService<S, F> {
    inner: S,
    make: F,
}

impl<S, F> fmt::Debug for ContextService<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextService").finish_non_exhaustive()
    }
}

impl<S, F, T, E, ReqBody, ResBody> Service<Request<ReqBody>> for ContextService<S, F>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    F: Fn(&request::Parts, &RequestId) -> Result<T, E>,
    T: RequestContext,
    E: Refusal<ResBody>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ContextFuture<T, S::Future, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let (head, body) = request.into_parts();
        let id = RequestId::from_headers(&head.headers);
        let echo = Some(id.header_value().clone());
        match (self.make)(&head, &id) {
            Ok(context) => {
                // The inner service's `call` only starts the work (axum routes there); the handler
                // and everything it calls run in the future, inside the context.
                let future = self.inner.call(Request::from_parts(head, body));
                ContextFuture::Serve {
                    future: context.scope(future),
                    echo,
                }
            }
            Err(refusal) => ContextFuture::Refuse {
                refusal: Some(refusal.into_response()),
                echo,
            },
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`ContextService`]: the inner service's response with the request id
    /// echoed, or the refusal.
    #[project = ContextFutureProjection]
    #[allow(missing_docs)]
    pub enum ContextFuture<T: 'static, Fut, B> {
        Serve { #[pin] future: Scoped<T, Fut>, echo: Option<HeaderValue> },
        Refuse { refusal: Option<Response<B>>, echo: Option<HeaderValue> },
    }
}

impl<T: 'static, Fut, B, E> Future for ContextFuture<T, Fut, B>
where
    Fut: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let (response, echo) = match self.project() {
            ContextFutureProjection::Serve { future, echo } => {
                (std::task::ready!(future.poll(cx)), echo.take())
            }
            ContextFutureProjection::Refuse { refusal, echo } => match refusal.take() {
                Some(refusal) => (Ok(refusal), echo.take()),
                None => panic!("`ContextFuture` polled after completion"),
            },
        };
        Poll::Ready(response.map(|mut response| {
            if let Some(echo) = echo {
                response.headers_mut().insert(X_REQUEST_ID, echo);
            }
            response
        }))
    }
}

/// A tower layer for HTTP clients: every request sent from inside a context carries the
/// `#[context(propagate)]` fields of every context set there in its `baggage` header (see
/// [`inject_current`](crate::inject_current)), for the next service's [`ContextLayer`] to
/// `extract`.
///
/// Baggage already on the request is kept (entries named like a propagated field are replaced);
/// a request sent outside any context is sent unchanged. Works with any tower HTTP client
/// (hyper-util's `Client`, `tower::service_fn` over hyper).
///
/// ```
/// use context_runtime::{PropagateLayer, RequestContext};
/// use http::{Request, Response};
/// use tower::{ServiceBuilder, ServiceExt};
///
/// #[derive(RequestContext)]
/// struct RequestCtx {
///     #[context(propagate)] tenant: u64,
///     #[context(sensitive)] token: String,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// // a client that shows what it would send
/// let client = ServiceBuilder::new()
///     .layer(PropagateLayer::new())
///     .service_fn(|request: Request<()>| async move {
///         Ok::<_, std::convert::Infallible>(Response::new(request.headers().clone()))
///     });
///
/// let ctx = RequestCtx::builder().tenant(7).token("s3cr3t".into()).build();
/// let sent = ctx.scope(client.oneshot(Request::new(()))).await.unwrap().into_body();
/// assert_eq!(sent["baggage"], "tenant=7"); // no token
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct PropagateLayer {
    _private: (),
}

impl PropagateLayer {
    /// A layer that sends the current contexts' propagated fields on.
    pub const fn new() -> Self {
        Self { _private: () }
    }
}

impl<S> Layer<S> for PropagateLayer {
    type Service = PropagateService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        PropagateService { inner }
    }
}

/// The service of [`PropagateLayer`].
#[derive(Clone, Debug)]
pub struct PropagateService<S> {
    inner: S,
}

/// A boxed error, what [`PropagateService`] fails with: the inner client's error, or the
/// [`CarrierError`] that stopped a request before it was sent (it already held malformed
/// baggage, or the contexts' fields exceed the W3C limits).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl<S, ReqBody> Service<Request<ReqBody>> for PropagateService<S>
where
    S: Service<Request<ReqBody>>,
    S::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = PropagateFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        match crate::inject_current(request.headers_mut()) {
            Ok(()) => PropagateFuture::Sent {
                future: self.inner.call(request),
            },
            Err(error) => PropagateFuture::Refused { error: Some(error) },
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`PropagateService`].
    #[project = PropagateFutureProjection]
    #[allow(missing_docs)]
    pub enum PropagateFuture<Fut> {
        Sent { #[pin] future: Fut },
        Refused { error: Option<CarrierError> },
    }
}

impl<Fut, R, E> Future for PropagateFuture<Fut>
where
    Fut: Future<Output = Result<R, E>>,
    E: Into<BoxError>,
{
    type Output = Result<R, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            PropagateFutureProjection::Sent { future } => future.poll(cx).map_err(Into::into),
            PropagateFutureProjection::Refused { error } => match error.take() {
                Some(error) => Poll::Ready(Err(error.into())),
                None => panic!("`PropagateFuture` polled after completion"),
            },
        }
    }
}
