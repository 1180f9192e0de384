//! [`ContextBody`]: the body of every response [`ContextLayer`](super::ContextLayer) sends, polled
//! inside the request's contexts.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

use crate::carrier::Inbound;
use crate::core::run_once;
use crate::{Current, RequestContext, Snapshot};

pin_project_lite::pin_project! {
    /// The body of a response of [`ContextLayer`](super::ContextLayer): the inner service's
    /// body, every frame of it polled inside the request's contexts (so a stream that produces
    /// its items after the handler returned, a tonic server-streaming method's or an axum
    /// `Body::from_stream`, still reads the context and logs with the request's id), or a
    /// refusal's.
    ///
    /// It is an [`http_body::Body`] wherever the inner body is one whose `Data` is made from
    /// `Bytes` (axum's, tonic's, hyper's and `http-body-util`'s are): axum's `Router::layer`,
    /// tower's `ServiceBuilder` and tonic's `Server::builder().layer(..)` take the layer as they
    /// take any other. A refusal needs nothing of the inner body: a status is an empty body, a
    /// [`CarrierError`](crate::CarrierError) its text (so it refuses on tonic's body, which
    /// cannot be made from a `String`, as on axum's).
    ///
    /// ```
    /// use context_runtime::{ContextLayer, RequestContext, RequestId};
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
    ///     }))
    ///     .service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new("served".to_owned())) });
    /// let response = service.oneshot(Request::new(())).await.unwrap();
    /// assert_eq!(response.into_body().into_inner().as_deref(), Some("served"));
    /// # }
    /// ```
    pub struct ContextBody<B> {
        #[pin]
        kind: Kind<B>,
    }
}

pin_project_lite::pin_project! {
    // The inner service's body and the contexts it is polled in; the body of the app's own
    // refusal, polled as it is; a refusal's text (a `CarrierError`'s message), sent once; a
    // refusal with nothing to say in the body.
    #[project = KindProjection]
    enum Kind<B> {
        Served { #[pin] body: B, contexts: Kept },
        Refused { #[pin] body: B },
        Text { text: Option<Bytes> },
        Empty,
    }
}

/// The handles of a request's contexts, kept to poll its response body in: the constructor's
/// contexts, and the runtime's `Inbound` beside them (so one context needs no allocation).
#[derive(Default)]
pub(crate) struct Kept {
    pub(crate) contexts: Snapshot,
    pub(crate) inbound: Option<Current<Inbound>>,
}

impl Kept {
    /// Runs `f` with every kept handle entered, and keeps them for the next time.
    fn enter<R>(&mut self, f: impl FnOnce() -> R) -> R {
        let inbound = &mut self.inbound;
        self.contexts.enter_all(|| match inbound.take() {
            Some(current) => run_once(f, |run| {
                *inbound = current.enter_mut(Inbound::__storage(), false, run);
            }),
            None => f(),
        })
    }
}

impl<B> ContextBody<B> {
    /// The inner body polled inside `contexts`.
    pub(crate) fn served(body: B, contexts: Kept) -> Self {
        Self {
            kind: Kind::Served { body, contexts },
        }
    }

    /// The body of the app's own refusal response, polled as it is.
    pub(crate) fn refused(body: B) -> Self {
        Self {
            kind: Kind::Refused { body },
        }
    }

    /// The inner service's body, or the body of the app's own refusal; `None` for a refusal the
    /// layer wrote (empty, or a [`CarrierError`](crate::CarrierError)'s text).
    ///
    /// ```
    /// use context_runtime::ContextBody;
    ///
    /// let refusal: ContextBody<String> = ContextBody::from("missing baggage".to_owned());
    /// assert!(refusal.into_inner().is_none());
    /// ```
    pub fn into_inner(self) -> Option<B> {
        match self.kind {
            Kind::Served { body, .. } | Kind::Refused { body } => Some(body),
            Kind::Text { .. } | Kind::Empty => None,
        }
    }
}

/// An empty body: what a refusal by status sends.
impl<B> Default for ContextBody<B> {
    fn default() -> Self {
        Self { kind: Kind::Empty }
    }
}

/// A body of text: what a [`CarrierError`](crate::CarrierError) refusal sends.
impl<B> From<String> for ContextBody<B> {
    fn from(text: String) -> Self {
        Self {
            kind: Kind::Text {
                text: Some(Bytes::from(text)),
            },
        }
    }
}

impl<B> Body for ContextBody<B>
where
    B: Body,
    B::Data: From<Bytes>,
{
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        match self.project().kind.project() {
            // A body at its end has nothing left to run: no need to enter the contexts for it
            // to say so (a one-frame body, the common response, is polled twice).
            KindProjection::Served { body, .. } if body.is_end_stream() => Poll::Ready(None),
            KindProjection::Served { body, contexts } => contexts.enter(|| body.poll_frame(cx)),
            KindProjection::Refused { body } => body.poll_frame(cx),
            KindProjection::Text { text } => {
                Poll::Ready(text.take().map(|text| Ok(Frame::data(text.into()))))
            }
            KindProjection::Empty => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Served { body, .. } | Kind::Refused { body } => body.is_end_stream(),
            Kind::Text { text } => text.is_none(),
            Kind::Empty => true,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Served { body, .. } | Kind::Refused { body } => body.size_hint(),
            Kind::Text { text } => SizeHint::with_exact(
                text.as_ref()
                    .map_or(0, |text| u64::try_from(text.len()).unwrap_or(u64::MAX)),
            ),
            Kind::Empty => SizeHint::with_exact(0),
        }
    }
}

impl<B> fmt::Debug for ContextBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.kind {
            Kind::Served { .. } => "served",
            Kind::Refused { .. } => "refused",
            Kind::Text { .. } => "text",
            Kind::Empty => "empty",
        };
        f.debug_tuple("ContextBody").field(&kind).finish()
    }
}
