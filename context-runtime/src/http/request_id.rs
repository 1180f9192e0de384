//! [`RequestId`]: the request's id, from a valid incoming `x-request-id` or freshly generated.

use std::fmt;
use std::str::FromStr;

use http::header::{HeaderMap, HeaderName, HeaderValue};

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

    /// The id as text.
    pub fn as_str(&self) -> &str {
        // Only visible ASCII gets in, which is valid UTF-8.
        self.0.to_str().unwrap_or_default()
    }

    /// The id as a header value, to echo or to send on.
    pub fn header_value(&self) -> &HeaderValue {
        &self.0
    }

    /// The id as a header value, owned.
    pub(crate) fn into_header(self) -> HeaderValue {
        self.0
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
