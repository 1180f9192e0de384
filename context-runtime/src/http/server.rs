//! The server side: [`ContextLayer`] builds the context from each request, or refuses the request
//! with a [`Refusal`], and runs the inner service inside it.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::header::HeaderValue;
use http::{Request, Response, request};
use tower_layer::Layer;
use tower_service::Service;

use super::{RequestId, X_REQUEST_ID};
use crate::carrier::Inbound;
use crate::{Baggage, CarrierError, RequestContext, Scoped};

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
/// [`PropagateLayer`](super::PropagateLayer) upstream) and a request without it is refused once,
/// with the [`CarrierError`] naming every missing or unreadable field; entries of other
/// producers that are not in the W3C format are left out, never a refusal. `PropagateLayer` also
/// sends the caller's `x-request-id`, so the `&RequestId` here is the id of the request that
/// started it all, the same one the caller echoed and logged.
///
/// Everything the request brought in is carried on by the requests made while serving it:
/// [`PropagateLayer`](super::PropagateLayer) (and [`inject_current`](crate::inject_current))
/// forward its `baggage` entries after the contexts' own fields, and send its request id.
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
                let inbound = Inbound::request(Baggage::extract(&head.headers), id.into_header());
                // The inner service's `call` only starts the work (axum routes there); the handler
                // and everything it calls run in the future, inside the context.
                let future = self.inner.call(Request::from_parts(head, body));
                ContextFuture {
                    state: Serving::Serve {
                        future: context.scope(inbound.scope(future)),
                    },
                    echo,
                }
            }
            Err(refusal) => ContextFuture {
                state: Serving::Refuse {
                    refusal: Some(refusal.into_response()),
                },
                echo,
            },
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`ContextService`]: the inner service's response with the request id
    /// echoed, or the refusal.
    pub struct ContextFuture<T: 'static, Fut, B> {
        #[pin]
        state: Serving<T, Fut, B>,
        echo: Option<HeaderValue>,
    }
}

pin_project_lite::pin_project! {
    #[project = ServingProjection]
    enum Serving<T: 'static, Fut, B> {
        Serve { #[pin] future: Scoped<T, Scoped<Inbound, Fut>> },
        Refuse { refusal: Option<Response<B>> },
    }
}

impl<T, Fut, B> fmt::Debug for ContextFuture<T, Fut, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextFuture").finish_non_exhaustive()
    }
}

impl<T: 'static, Fut, B, E> Future for ContextFuture<T, Fut, B>
where
    Fut: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let response = match this.state.project() {
            ServingProjection::Serve { future } => std::task::ready!(future.poll(cx)),
            ServingProjection::Refuse { refusal } => match refusal.take() {
                Some(refusal) => Ok(refusal),
                None => panic!("`ContextFuture` polled after completion"),
            },
        };
        let echo = this.echo.take();
        Poll::Ready(response.map(|mut response| {
            if let Some(echo) = echo {
                response.headers_mut().insert(X_REQUEST_ID, echo);
            }
            response
        }))
    }
}
