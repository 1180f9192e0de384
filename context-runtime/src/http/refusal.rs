//! How a request the edge refuses is answered and logged: [`Refusal`] (what a constructor may
//! return instead of a context), [`Refuse`] (how a layer turns it into a response: as it says, or
//! through the app's own mapping) and the one log event of a refused request.

use std::fmt;

use http::header::HeaderValue;
use http::{Response, StatusCode};
use tracing::Level;

use super::{ContextBody, GrpcCode, RequestId, grpc};
use crate::CarrierError;

/// What refuses a request in [`ContextLayer`](super::ContextLayer): a status (with an empty
/// body), a whole response (boxed or not), or a [`CarrierError`] (400, saying why).
///
/// The layer asks for a refusal of its own body, [`ContextBody`], which any status and any
/// `CarrierError` can be (whatever the inner body: tonic's, axum's, a `String`) and which holds a
/// response of the inner service's body as it is. A refusal type of the app's implements it for
/// every body that is `Default` (or `From<String>`, to say why in the body), and may name the
/// [`GrpcCode`] a gRPC client gets in its response's extensions.
///
/// A refusal of a gRPC request (`content-type: application/grpc*`) is sent as a trailers-only
/// gRPC response (HTTP 200, `grpc-status`, `grpc-message`, no body): see [`GrpcCode`].
///
/// ```
/// use context_runtime::{GrpcCode, Refusal};
/// use http::{Response, StatusCode};
///
/// let response: Response<String> = StatusCode::UNAUTHORIZED.into_response();
/// assert_eq!(response.status(), 401);
/// assert_eq!(Refusal::<String>::reason(&StatusCode::UNAUTHORIZED).as_deref(), Some("Unauthorized"));
///
/// /// The app's refusal: 403 to HTTP clients, PERMISSION_DENIED to gRPC ones, saying why.
/// struct Suspended;
///
/// impl<B: From<String>> Refusal<B> for Suspended {
///     fn into_response(self) -> Response<B> {
///         let mut response = Response::new(B::from("the account is suspended".to_owned()));
///         *response.status_mut() = StatusCode::FORBIDDEN;
///         response.extensions_mut().insert(GrpcCode::PermissionDenied); // 403's default too
///         response
///     }
///
///     fn reason(&self) -> Option<String> {
///         Some("the account is suspended".to_owned())
///     }
/// }
/// ```
pub trait Refusal<B> {
    /// The response sent instead of calling the service.
    fn into_response(self) -> Response<B>;

    /// Why the request is refused, for the log event of the refusal: never a value the request
    /// carried. `None` by default (a status or a response says nothing more).
    fn reason(&self) -> Option<String> {
        None
    }
}

impl<B: Default> Refusal<B> for StatusCode {
    fn into_response(self) -> Response<B> {
        let mut response = Response::new(B::default());
        *response.status_mut() = self;
        response
    }

    fn reason(&self) -> Option<String> {
        self.canonical_reason().map(str::to_owned)
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

/// A response of the inner service's body (`Err(response)`, tonic's `Status::into_http()`), sent
/// as it is.
impl<B> Refusal<ContextBody<B>> for Response<B> {
    fn into_response(self) -> Response<ContextBody<B>> {
        self.map(ContextBody::refused)
    }
}

/// A boxed response of the inner service's body, sent as it is.
impl<B> Refusal<ContextBody<B>> for Box<Response<B>> {
    fn into_response(self) -> Response<ContextBody<B>> {
        self.map(ContextBody::refused)
    }
}

/// A context that could not be read from the request's `baggage`: 400 Bad Request, saying why
/// (every field at fault, never their values); `INVALID_ARGUMENT` with the same message to a gRPC
/// client. In [`ContextLayer`](super::ContextLayer), `B` is [`ContextBody`], which any text is:
/// the plain form `T::extract(&head.headers).map(|b| b.build())` refuses on any inner body.
impl<B: From<String>> Refusal<B> for CarrierError {
    fn into_response(self) -> Response<B> {
        let mut response = Response::new(B::from(self.to_string()));
        *response.status_mut() = StatusCode::BAD_REQUEST;
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        response
    }

    fn reason(&self) -> Option<String> {
        Some(self.to_string())
    }
}

/// How a layer answers a request its constructor refused with an `E`: the response (of the
/// layer's body, [`ContextBody`], around the inner service's body `B`), and the reason its log
/// event gives. Implemented by [`AsRefused`] (the default: the refusal's own response) and by the
/// app's closures `Fn(E, &RequestId) -> Response<B>` given to
/// [`ContextLayer::refuse_with`](super::ContextLayer::refuse_with), whose reason is the error's
/// `Display`.
pub trait Refuse<E, B> {
    /// The response to send, and the reason to log.
    fn refuse(&self, error: E, id: &RequestId) -> (Response<ContextBody<B>>, Option<String>);
}

/// The default [`Refuse`]: the refusal's own response ([`Refusal::into_response`]) and reason.
///
/// ```
/// use context_runtime::{AsRefused, Refuse, RequestId};
/// use http::StatusCode;
///
/// let (response, reason) = Refuse::<_, ()>::refuse(&AsRefused, StatusCode::FORBIDDEN, &RequestId::generate());
/// assert_eq!(response.status(), 403);
/// assert_eq!(reason.as_deref(), Some("Forbidden"));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct AsRefused;

impl<E: Refusal<ContextBody<B>>, B> Refuse<E, B> for AsRefused {
    fn refuse(&self, error: E, _: &RequestId) -> (Response<ContextBody<B>>, Option<String>) {
        let reason = error.reason();
        (error.into_response(), reason)
    }
}

impl<E: fmt::Display, B, F: Fn(E, &RequestId) -> Response<B>> Refuse<E, B> for F {
    fn refuse(&self, error: E, id: &RequestId) -> (Response<ContextBody<B>>, Option<String>) {
        let reason = error.to_string();
        (self(error, id).map(ContextBody::refused), Some(reason))
    }
}

/// `response`, refusing a request, as the request's protocol wants it (a gRPC call's as gRPC
/// says: [`grpc::refusal`]), its one log event emitted.
pub(super) fn answer<B>(
    response: Response<ContextBody<B>>,
    reason: Option<&str>,
    grpc: bool,
    level: Option<Level>,
    id: &RequestId,
) -> Response<ContextBody<B>> {
    let status = response.status();
    let (response, code) = if grpc {
        let (response, code) = grpc::refusal(response, reason);
        (response, Some(code))
    } else {
        (response, None)
    };
    log(level, id, status, code, reason);
    response
}

/// The one log event of a refused request, at `level`: its id, the refusal's HTTP status, the
/// gRPC code sent (a gRPC request's), and the reason.
pub(super) fn log(
    level: Option<Level>,
    id: &RequestId,
    status: StatusCode,
    grpc: Option<GrpcCode>,
    reason: Option<&str>,
) {
    let grpc_status = grpc.map(GrpcCode::as_i32);
    macro_rules! refused {
        ($level:expr) => {
            tracing::event!(
                $level,
                request_id = id.as_str(),
                status = status.as_u16(),
                grpc_status,
                reason,
                "request refused"
            )
        };
    }
    match level {
        Some(Level::ERROR) => refused!(Level::ERROR),
        Some(Level::WARN) => refused!(Level::WARN),
        Some(Level::INFO) => refused!(Level::INFO),
        Some(Level::DEBUG) => refused!(Level::DEBUG),
        Some(_) => refused!(Level::TRACE),
        None => {}
    }
}
