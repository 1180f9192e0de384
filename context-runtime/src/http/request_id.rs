//! [`RequestId`]: the request's id, from a valid incoming `x-request-id` or freshly generated,
//! chosen once per request ([`RequestIdLayer`], or the first `ContextLayer`) and kept in the
//! request's and the response's extensions.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::task::{Context, Poll};

use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Request, Response, request};
use tower_layer::Layer;
use tower_service::Service;

use crate::{LogValue, ToLogValue};

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

    /// The request's id as chosen by the first layer it went through (kept in its extensions),
    /// or else as [`from_headers`](Self::from_headers) reads it, then kept in its extensions for
    /// the layers after this one: one request, one id, however many layers ask.
    ///
    /// ```
    /// use context_runtime::RequestId;
    ///
    /// let (mut head, ()) = http::Request::new(()).into_parts();
    /// let first = RequestId::of_request(&mut head);
    /// assert_eq!(RequestId::of_request(&mut head), first);
    /// assert_eq!(head.extensions.get::<RequestId>(), Some(&first));
    /// ```
    pub fn of_request(head: &mut request::Parts) -> Self {
        if let Some(id) = head.extensions.get::<Self>() {
            return id.clone();
        }
        let id = Self::from_headers(&head.headers);
        head.extensions.insert(id.clone());
        id
    }

    /// Echoes the id in `response`: its `x-request-id` header, and its extensions (for the layers
    /// outside, a metrics or trace layer).
    pub(crate) fn echo<B>(self, response: &mut Response<B>) {
        response.headers_mut().insert(X_REQUEST_ID, self.0.clone());
        response.extensions_mut().insert(self);
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

/// 1 to 128 bytes, each visible ASCII (`!` to `~`). Every byte is looked at, without stopping at
/// the first bad one, so the loop has no branch and the compiler checks 16 or 32 bytes at a time:
/// this runs on every request.
fn valid(bytes: &[u8]) -> bool {
    (1..=RequestId::MAX_LEN).contains(&bytes.len())
        && bytes.iter().fold(true, |all, &byte| {
            all & (byte.wrapping_sub(b'!') <= b'~' - b'!')
        })
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

/// A tower layer that chooses each request's [`RequestId`] ([`RequestId::of_request`]) before
/// the layers inside it run, and echoes it in the response (`x-request-id` and the response's
/// extensions).
///
/// [`ContextLayer`](super::ContextLayer) does this itself; this layer is for what must see the
/// id *outside* it, such as `tower_http::trace::TraceLayer`'s span: put `RequestIdLayer`
/// outermost, and every layer inside, `ContextLayer` included, uses the same id.
///
/// ```
/// use context_runtime::{RequestId, RequestIdLayer};
/// use http::{Request, Response};
/// use tower::{ServiceBuilder, ServiceExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let service = ServiceBuilder::new()
///     .layer(RequestIdLayer)
///     .service_fn(|request: Request<()>| async move {
///         let id = request.extensions().get::<RequestId>().cloned();
///         Ok::<_, std::convert::Infallible>(Response::new(id))
///     });
/// let response = service.oneshot(Request::builder().header("x-request-id", "r-1").body(()).unwrap()).await.unwrap();
/// assert_eq!(response.headers()["x-request-id"], "r-1");
/// assert_eq!(response.extensions().get::<RequestId>().map(RequestId::as_str), Some("r-1"));
/// assert_eq!(response.body().as_ref().map(RequestId::as_str), Some("r-1"));
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestIdLayer;

impl<S> Layer<S> for RequestIdLayer {
    type Service = RequestIdService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequestIdService { inner }
    }
}

/// The service of [`RequestIdLayer`].
#[derive(Clone, Debug)]
pub struct RequestIdService<S> {
    inner: S,
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for RequestIdService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = RequestIdFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let (mut head, body) = request.into_parts();
        let id = RequestId::of_request(&mut head);
        RequestIdFuture {
            future: self.inner.call(Request::from_parts(head, body)),
            id: Some(id),
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`RequestIdService`]: the inner service's response, with the id echoed.
    pub struct RequestIdFuture<F> {
        #[pin]
        future: F,
        id: Option<RequestId>,
    }
}

impl<F> fmt::Debug for RequestIdFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestIdFuture").finish_non_exhaustive()
    }
}

impl<F, B, E> Future for RequestIdFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut response = std::task::ready!(this.future.poll(cx));
        if let (Ok(response), Some(id)) = (&mut response, this.id.take()) {
            id.echo(response);
        }
        Poll::Ready(response)
    }
}
