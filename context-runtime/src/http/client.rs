//! The client side: [`PropagateLayer`] sends the propagated fields of the contexts set at each
//! call on to the next service.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::Request;
use tower_layer::Layer;
use tower_service::Service;

use super::{Destinations, X_REQUEST_ID, deadline};
#[cfg(feature = "signing")]
use crate::SigningKeys;
use crate::carrier::{Inbound, send_current};
use crate::deadline::wire::GRPC_TIMEOUT;
use crate::{CarrierError, RequestContext};

/// A tower layer for HTTP clients: every request sent from inside a context carries the
/// `#[context(propagate)]` fields of every context set there in its `baggage` header (see
/// [`inject_current`](crate::inject_current)), for the next service's [`ContextLayer`](super::ContextLayer) to
/// `extract`, and the request being served carries on to the next service:
///
/// - its **request id**: a request sent while serving one behind `ContextLayer` gets its
///   `x-request-id` (unless it has one), so the next service's `ContextLayer` adopts it and
///   both services log and echo the same id;
/// - its **baggage**, behind a `ContextLayer` declared `.internal()` (a public edge drops the
///   client's): the entries the served request received are forwarded after the contexts'
///   fields, as the W3C spec says a receiver should ([`forward_baggage`](Self::forward_baggage)
///   turns that off);
/// - what is left of its **deadline** ([`Deadline`](crate::Deadline)), in `grpc-timeout` (unless
///   the request has one: a tonic client's own timeout), so the next service's `ContextLayer`
///   answers within it; a deadline already passed is sent as `0n`, which the next service
///   answers at once with 504.
///
/// All three travel into spawned work the way contexts do through `#[with_context]` without types,
/// a `Snapshot` or the spawn helpers; `#[with_context(RequestCtx)]` carries exactly the types it
/// names, so requests sent from work spawned that way carry the contexts' fields only.
///
/// **Only to the [`Destinations`] it is built with**: a request to anywhere else (a third-party
/// API) is sent as the app built it, with no `baggage` and no `x-request-id` of ours, so tenant
/// and user ids stay inside the system.
///
/// Baggage already on the request is kept (entries named like a propagated field are replaced);
/// a request sent outside any context is sent unchanged. Works with any tower HTTP client
/// (hyper-util's `Client`, `tower::service_fn` over hyper, a tonic `Channel`).
///
/// ```
/// use context_runtime::{Destinations, PropagateLayer, RequestContext};
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
/// let ours = Destinations::origins(["http://inventory.internal"]).unwrap();
/// let client = ServiceBuilder::new()
///     .layer(PropagateLayer::new(ours))
///     .service_fn(|request: Request<()>| async move {
///         Ok::<_, std::convert::Infallible>(Response::new(request.headers().clone()))
///     });
///
/// let ctx = RequestCtx::builder().tenant(7).token("s3cr3t".into()).build();
/// let to_inventory = Request::get("http://inventory.internal/stock").body(()).unwrap();
/// let sent = ctx.scope(client.clone().oneshot(to_inventory)).await.unwrap().into_body();
/// assert_eq!(sent["baggage"], "tenant=7"); // no token
///
/// let ctx = RequestCtx::builder().tenant(7).token("s3cr3t".into()).build();
/// let to_a_third_party = Request::get("https://api.example.com/").body(()).unwrap();
/// let sent = ctx.scope(client.oneshot(to_a_third_party)).await.unwrap().into_body();
/// assert!(sent.is_empty()); // nothing of ours
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct PropagateLayer {
    to: Destinations,
    forward: bool,
    /// The keys that sign the contexts' fields, with the `signing` feature.
    #[cfg(feature = "signing")]
    keys: Option<SigningKeys>,
}

impl PropagateLayer {
    /// A layer that sends the current contexts' propagated fields, the request id and the
    /// baggage of the request being served to the destinations `to` allows, and nothing to
    /// others.
    pub fn new(to: Destinations) -> Self {
        Self {
            to,
            forward: true,
            #[cfg(feature = "signing")]
            keys: None,
        }
    }

    /// Signs the contexts' propagated fields of every request with `keys` (feature `signing`):
    /// one more baggage entry, right after them, that a service sharing the key verifies
    /// ([`SigningKeys::verify`]) before it believes them. A signature the served request
    /// received is never forwarded: this hop signs its own fields. See
    /// [`SigningKeys`] for what is and is not covered.
    ///
    /// ```
    /// use context_runtime::{Destinations, PropagateLayer, RequestContext, SigningKeys};
    /// use http::{Request, Response};
    /// use tower::{ServiceBuilder, ServiceExt};
    ///
    /// #[derive(RequestContext)]
    /// struct RequestCtx { #[context(propagate)] tenant: u64 }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let keys = SigningKeys::new("2025-06", [6_u8; 32]).unwrap();
    /// let client = ServiceBuilder::new()
    ///     .layer(PropagateLayer::new(Destinations::all()).sign_with(keys.clone()))
    ///     .service_fn(|request: Request<()>| async move {
    ///         Ok::<_, std::convert::Infallible>(Response::new(request.headers().clone()))
    ///     });
    ///
    /// let ctx = RequestCtx::builder().tenant(7).build();
    /// let sent = ctx.scope(client.oneshot(Request::new(()))).await.unwrap().into_body();
    /// assert!(sent["baggage"].to_str().unwrap().starts_with("tenant=7,context-sig=2025-06:"));
    /// assert_eq!(keys.verify(&sent).unwrap().get("tenant"), Some("7"));
    /// # }
    /// ```
    #[cfg(feature = "signing")]
    #[must_use]
    pub fn sign_with(self, keys: SigningKeys) -> Self {
        Self {
            keys: Some(keys),
            ..self
        }
    }

    /// Whether the baggage the served request received is forwarded (the default), or only the
    /// contexts' own fields are sent.
    ///
    /// ```
    /// use context_runtime::{Baggage, Destinations, PropagateLayer};
    /// use http::{Request, Response};
    /// use tower::{ServiceBuilder, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let own_fields_only = ServiceBuilder::new()
    ///     .layer(PropagateLayer::new(Destinations::all()).forward_baggage(false))
    ///     .service_fn(|request: Request<()>| async move {
    ///         Ok::<_, std::convert::Infallible>(Response::new(request.headers().clone()))
    ///     });
    /// let received = Baggage::parse("vendor=acme");
    /// let sent = received.scope(own_fields_only.oneshot(Request::new(()))).await.unwrap();
    /// assert!(!sent.body().contains_key("baggage"));
    /// # }
    /// ```
    #[must_use]
    pub fn forward_baggage(self, forward: bool) -> Self {
        Self { forward, ..self }
    }
}

impl<S> Layer<S> for PropagateLayer {
    type Service = PropagateService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        PropagateService {
            inner,
            to: self.to.clone(),
            forward: self.forward,
            #[cfg(feature = "signing")]
            keys: self.keys.clone(),
        }
    }
}

/// The service of [`PropagateLayer`].
#[derive(Clone, Debug)]
pub struct PropagateService<S> {
    inner: S,
    to: Destinations,
    forward: bool,
    #[cfg(feature = "signing")]
    keys: Option<SigningKeys>,
}

impl<S> PropagateService<S> {
    /// The current contexts' fields into `headers`, signed when the layer was given keys.
    fn send(&self, headers: &mut http::HeaderMap) -> Result<(), CarrierError> {
        #[cfg(feature = "signing")]
        if let Some(keys) = &self.keys {
            return keys.send_current(headers, self.forward);
        }
        send_current(headers, self.forward)
    }
}

/// A boxed error, what [`PropagateService`] fails with: the inner client's error, or the
/// [`CarrierError`] that stopped a request before it was sent (the contexts' own fields exceed
/// the W3C limits).
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
        if !self.to.allows(request.uri()) {
            return PropagateFuture {
                state: Sending::Sent {
                    future: self.inner.call(request),
                },
            };
        }
        let headers = request.headers_mut();
        if !headers.contains_key(X_REQUEST_ID)
            && let Some(id) = Inbound::try_with(|inbound| inbound.request_id.clone()).flatten()
        {
            headers.insert(X_REQUEST_ID, id);
        }
        if !headers.contains_key(GRPC_TIMEOUT)
            && let Some(remaining) = deadline::remaining_header()
        {
            headers.insert(GRPC_TIMEOUT, remaining);
        }
        let state = match self.send(headers) {
            Ok(()) => Sending::Sent {
                future: self.inner.call(request),
            },
            Err(error) => Sending::Refused { error: Some(error) },
        };
        PropagateFuture { state }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`PropagateService`]: the inner client's response, or the error that kept
    /// the request from being sent.
    pub struct PropagateFuture<Fut> {
        #[pin]
        state: Sending<Fut>,
    }
}

pin_project_lite::pin_project! {
    #[project = SendingProjection]
    enum Sending<Fut> {
        Sent { #[pin] future: Fut },
        Refused { error: Option<CarrierError> },
    }
}

impl<Fut> fmt::Debug for PropagateFuture<Fut> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PropagateFuture").finish_non_exhaustive()
    }
}

impl<Fut, R, E> Future for PropagateFuture<Fut>
where
    Fut: Future<Output = Result<R, E>>,
    E: Into<BoxError>,
{
    type Output = Result<R, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            SendingProjection::Sent { future } => future.poll(cx).map_err(Into::into),
            SendingProjection::Refused { error } => match error.take() {
                Some(error) => Poll::Ready(Err(error.into())),
                None => panic!("`PropagateFuture` polled after completion"),
            },
        }
    }
}
