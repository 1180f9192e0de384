//! Refusals of gRPC requests: [`GrpcCode`], and the trailers-only response a refusal becomes when
//! the request is gRPC (`content-type: application/grpc`, `application/grpc+proto`, ...).

use std::fmt;
use std::fmt::Write as _;

use http::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use http::{Response, StatusCode};

use super::ContextBody;

const GRPC_STATUS: HeaderName = HeaderName::from_static("grpc-status");
const GRPC_MESSAGE: HeaderName = HeaderName::from_static("grpc-message");

/// A gRPC status code: what a gRPC client sees when [`ContextLayer`](super::ContextLayer)
/// refuses its request.
///
/// A refusal of a gRPC request (`content-type: application/grpc*`) is sent as gRPC says a call
/// that fails before any message is sent: a trailers-only response (HTTP 200, `grpc-status`,
/// `grpc-message`, no body). The code is the one the refusal's response carries in its
/// extensions, or else the one its HTTP status maps to ([`from_http_status`](Self::from_http_status));
/// a response that already has a `grpc-status` (tonic's `Status::into_http()`) is sent as it is.
///
/// ```
/// use context_runtime::{ContextLayer, GrpcCode, RequestContext, RequestId};
/// use http::{Request, Response, StatusCode};
/// use tower::{ServiceBuilder, ServiceExt};
///
/// #[derive(RequestContext)]
/// struct Session { user: String }
///
/// /// No API key: 401 to an HTTP client, UNAUTHENTICATED (401's default) to a gRPC one. A
/// /// tenant over its quota: 403 to an HTTP client, and the code the refusal chose to a gRPC one.
/// fn refused(over_quota: bool) -> Response<String> {
///     let mut response = Response::new(String::new());
///     *response.status_mut() = StatusCode::UNAUTHORIZED;
///     if over_quota {
///         *response.status_mut() = StatusCode::FORBIDDEN;
///         response.extensions_mut().insert(GrpcCode::ResourceExhausted);
///     }
///     response
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let service = ServiceBuilder::new()
///     .layer(ContextLayer::new(|head: &http::request::Parts, _: &RequestId| {
///         Err::<Session, _>(refused(head.headers.contains_key("x-over-quota")))
///     }))
///     .service_fn(|_: Request<()>| async { Ok::<_, std::convert::Infallible>(Response::new(String::new())) });
///
/// let grpc = || Request::builder().header("content-type", "application/grpc");
/// let refused = service.clone().oneshot(grpc().body(()).unwrap()).await.unwrap();
/// assert_eq!(refused.status(), StatusCode::OK); // gRPC's way: the status is in `grpc-status`
/// assert_eq!(refused.headers()["grpc-status"], "16");
/// let over = service.clone().oneshot(grpc().header("x-over-quota", "1").body(()).unwrap()).await.unwrap();
/// assert_eq!(over.headers()["grpc-status"], "8");
/// let http = service.oneshot(Request::new(())).await.unwrap();
/// assert_eq!(http.status(), StatusCode::UNAUTHORIZED);
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum GrpcCode {
    /// 0: not an error.
    Ok = 0,
    /// 1: the call was cancelled, typically by the caller.
    Cancelled = 1,
    /// 2: an error that fits no other code.
    Unknown = 2,
    /// 3: the request is at fault whatever the state of the system (a missing or malformed
    /// field, a context the request's `baggage` could not carry).
    InvalidArgument = 3,
    /// 4: the deadline passed before the call could complete.
    DeadlineExceeded = 4,
    /// 5: something the request names does not exist.
    NotFound = 5,
    /// 6: what the request would create exists already.
    AlreadyExists = 6,
    /// 7: the caller is known and may not do this.
    PermissionDenied = 7,
    /// 8: a quota or a rate limit is used up.
    ResourceExhausted = 8,
    /// 9: the system is not in the state the call needs.
    FailedPrecondition = 9,
    /// 10: the call was aborted, by a concurrency conflict say.
    Aborted = 10,
    /// 11: a value past the valid range.
    OutOfRange = 11,
    /// 12: the method is not implemented or not supported.
    Unimplemented = 12,
    /// 13: an invariant of the server broke.
    Internal = 13,
    /// 14: the service cannot answer now; the call may be retried.
    Unavailable = 14,
    /// 15: data was lost or corrupted.
    DataLoss = 15,
    /// 16: the caller could not be authenticated.
    Unauthenticated = 16,
}

impl GrpcCode {
    /// Every code, in numeric order.
    const ALL: [Self; 17] = [
        Self::Ok,
        Self::Cancelled,
        Self::Unknown,
        Self::InvalidArgument,
        Self::DeadlineExceeded,
        Self::NotFound,
        Self::AlreadyExists,
        Self::PermissionDenied,
        Self::ResourceExhausted,
        Self::FailedPrecondition,
        Self::Aborted,
        Self::OutOfRange,
        Self::Unimplemented,
        Self::Internal,
        Self::Unavailable,
        Self::DataLoss,
        Self::Unauthenticated,
    ];

    /// The code a refusal with this HTTP status is sent with to a gRPC client, when the refusal
    /// names none:
    ///
    /// | HTTP status | gRPC code |
    /// |---|---|
    /// | 400, and any 4xx not below | `INVALID_ARGUMENT` (3): an edge refuses the request for what it brought |
    /// | 401 | `UNAUTHENTICATED` (16) |
    /// | 403 | `PERMISSION_DENIED` (7) |
    /// | 404 | `NOT_FOUND` (5) |
    /// | 408, 504 | `DEADLINE_EXCEEDED` (4) |
    /// | 409 | `ABORTED` (10) |
    /// | 429 | `RESOURCE_EXHAUSTED` (8) |
    /// | 499 | `CANCELLED` (1) |
    /// | 501 | `UNIMPLEMENTED` (12) |
    /// | 503 | `UNAVAILABLE` (14) |
    /// | any other 5xx | `INTERNAL` (13) |
    /// | 1xx, 2xx, 3xx | `UNKNOWN` (2): not a refusal's status |
    ///
    /// ```
    /// use context_runtime::GrpcCode;
    /// use http::StatusCode;
    ///
    /// assert_eq!(GrpcCode::from_http_status(StatusCode::BAD_REQUEST), GrpcCode::InvalidArgument);
    /// assert_eq!(GrpcCode::from_http_status(StatusCode::UNPROCESSABLE_ENTITY), GrpcCode::InvalidArgument);
    /// assert_eq!(GrpcCode::from_http_status(StatusCode::GATEWAY_TIMEOUT), GrpcCode::DeadlineExceeded);
    /// assert_eq!(GrpcCode::from_http_status(StatusCode::INTERNAL_SERVER_ERROR), GrpcCode::Internal);
    /// ```
    pub const fn from_http_status(status: StatusCode) -> Self {
        match status.as_u16() {
            401 => Self::Unauthenticated,
            403 => Self::PermissionDenied,
            404 => Self::NotFound,
            408 | 504 => Self::DeadlineExceeded,
            409 => Self::Aborted,
            429 => Self::ResourceExhausted,
            499 => Self::Cancelled,
            501 => Self::Unimplemented,
            503 => Self::Unavailable,
            400..=499 => Self::InvalidArgument,
            500..=599 => Self::Internal,
            _ => Self::Unknown,
        }
    }

    /// The code's number, as `grpc-status` carries it.
    ///
    /// ```
    /// assert_eq!(context_runtime::GrpcCode::InvalidArgument.as_i32(), 3);
    /// ```
    pub const fn as_i32(self) -> i32 {
        self as i32
    }

    /// The code numbered `code`, if there is one.
    ///
    /// ```
    /// use context_runtime::GrpcCode;
    ///
    /// assert_eq!(GrpcCode::from_i32(16), Some(GrpcCode::Unauthenticated));
    /// assert_eq!(GrpcCode::from_i32(17), None);
    /// ```
    pub fn from_i32(code: i32) -> Option<Self> {
        usize::try_from(code)
            .ok()
            .and_then(|code| Self::ALL.get(code).copied())
    }

    /// The code's name, as the gRPC specification writes it (`INVALID_ARGUMENT`).
    ///
    /// ```
    /// assert_eq!(context_runtime::GrpcCode::PermissionDenied.name(), "PERMISSION_DENIED");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::Cancelled => "CANCELLED",
            Self::Unknown => "UNKNOWN",
            Self::InvalidArgument => "INVALID_ARGUMENT",
            Self::DeadlineExceeded => "DEADLINE_EXCEEDED",
            Self::NotFound => "NOT_FOUND",
            Self::AlreadyExists => "ALREADY_EXISTS",
            Self::PermissionDenied => "PERMISSION_DENIED",
            Self::ResourceExhausted => "RESOURCE_EXHAUSTED",
            Self::FailedPrecondition => "FAILED_PRECONDITION",
            Self::Aborted => "ABORTED",
            Self::OutOfRange => "OUT_OF_RANGE",
            Self::Unimplemented => "UNIMPLEMENTED",
            Self::Internal => "INTERNAL",
            Self::Unavailable => "UNAVAILABLE",
            Self::DataLoss => "DATA_LOSS",
            Self::Unauthenticated => "UNAUTHENTICATED",
        }
    }

    /// The code of a response that is already a gRPC status (it has a valid `grpc-status`).
    fn of_headers(headers: &HeaderMap) -> Option<Self> {
        let value = headers.get(GRPC_STATUS)?.to_str().ok()?;
        Self::from_i32(value.parse().ok()?)
    }

    fn header_value(self) -> HeaderValue {
        HeaderValue::from(self.as_i32())
    }
}

/// The name and the number: `INVALID_ARGUMENT (3)`.
impl fmt::Display for GrpcCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.as_i32())
    }
}

/// Whether the request is a gRPC call: its `content-type` is `application/grpc`, alone or
/// followed by `+` (`application/grpc+proto`) or `;` (parameters). gRPC-Web
/// (`application/grpc-web`) is not: its status travels in the body.
pub(super) fn is_grpc(headers: &HeaderMap) -> bool {
    const GRPC: &[u8] = b"application/grpc";
    headers.get(CONTENT_TYPE).is_some_and(|value| {
        let value = value.as_bytes();
        value.len() >= GRPC.len()
            && value[..GRPC.len()].eq_ignore_ascii_case(GRPC)
            && matches!(value.get(GRPC.len()), None | Some(b'+' | b';'))
    })
}

/// A refusal's `response`, as a gRPC client must get it: as it is when it already carries a
/// `grpc-status`, otherwise a trailers-only response with the code its extensions name (or its
/// status maps to) and `message`. Returns the code sent.
pub(super) fn refusal<B>(
    response: Response<ContextBody<B>>,
    message: Option<&str>,
) -> (Response<ContextBody<B>>, GrpcCode) {
    if let Some(code) = GrpcCode::of_headers(response.headers()) {
        return (response, code);
    }
    let (head, _) = response.into_parts();
    let code = head
        .extensions
        .get::<GrpcCode>()
        .copied()
        .unwrap_or_else(|| GrpcCode::from_http_status(head.status));
    let mut grpc = Response::new(ContextBody::default());
    *grpc.extensions_mut() = head.extensions;
    let headers = grpc.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/grpc"));
    headers.insert(GRPC_STATUS, code.header_value());
    let message = message.or_else(|| head.status.canonical_reason());
    if let Some(message) = message.filter(|message| !message.is_empty())
        && let Ok(value) = HeaderValue::try_from(percent_encode(message))
    {
        headers.insert(GRPC_MESSAGE, value);
    }
    (grpc, code)
}

/// `message` as `grpc-message` carries it: every byte outside `0x20..=0x7E`, and `%`, as `%XX`
/// (the gRPC over HTTP/2 specification's Percent-Encoded), so any UTF-8 text survives.
fn percent_encode(message: &str) -> String {
    let mut encoded = String::with_capacity(message.len());
    for byte in message.bytes() {
        if (0x20..=0x7E).contains(&byte) && byte != b'%' {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_keeps_visible_ascii_and_encodes_the_rest() {
        assert_eq!(percent_encode("missing `tenant`"), "missing `tenant`");
        assert_eq!(percent_encode("100% sure"), "100%25 sure");
        assert_eq!(percent_encode("line\nbreak"), "line%0Abreak");
        assert_eq!(percent_encode("café"), "caf%C3%A9");
    }

    #[test]
    fn grpc_content_types() {
        let of = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(CONTENT_TYPE, HeaderValue::from_str(value).unwrap());
            is_grpc(&headers)
        };
        assert!(of("application/grpc"));
        assert!(of("application/grpc+proto"));
        assert!(of("Application/GRPC;charset=utf-8"));
        assert!(!of("application/grpc-web"));
        assert!(!of("application/json"));
        assert!(!of("application/grp"));
        assert!(!is_grpc(&HeaderMap::new()));
    }

    #[test]
    fn every_code_round_trips_its_number() {
        for (number, code) in GrpcCode::ALL.iter().enumerate() {
            assert_eq!(usize::try_from(code.as_i32()).unwrap(), number);
            assert_eq!(GrpcCode::from_i32(code.as_i32()), Some(*code));
        }
        assert_eq!(GrpcCode::from_i32(-1), None);
    }
}
