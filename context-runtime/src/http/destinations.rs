//! [`Destinations`]: where the facts we propagate may be sent. Our `baggage` holds tenant ids and
//! user ids, and our `x-request-id` ties a third party's logs to ours; the W3C Baggage spec's
//! security section asks that baggage not cross trust boundaries. So a client says where its
//! requests may carry them, when its [`PropagateLayer`](super::PropagateLayer) is built.

use std::fmt;
use std::sync::Arc;

use http::Uri;

use crate::{Carrier, CarrierError};

/// The destinations a [`PropagateLayer`](super::PropagateLayer) sends the propagated fields,
/// the forwarded baggage and the request id to; a request to any other destination is sent as
/// the app built it, with nothing of ours added.
///
/// - [`origins`](Self::origins): an allowlist of scheme, host and port (`https://billing.internal`,
///   `http://orders:8080`), for a client that calls both our services and third parties
///   (hyper-util's `Client`).
/// - [`matching`](Self::matching): a predicate on the request's URI (a domain suffix, say).
/// - [`all`](Self::all): every request the layer sees goes to our own services, for a client
///   bound to one of them (a tonic `Channel`, a client with a fixed base URL, whose requests
///   may carry a URI without a host).
///
/// An allowlist or a predicate sees only absolute URIs (`http://host/path`): a request whose URI
/// has no scheme or host gets nothing, since where it goes cannot be told.
///
/// ```
/// use context_runtime::Destinations;
///
/// let ours = Destinations::origins(["https://billing.internal", "http://orders:8080"]).unwrap();
/// assert!(ours.allows(&"https://billing.internal/invoices?page=2".parse().unwrap()));
/// assert!(ours.allows(&"https://BILLING.internal:443/".parse().unwrap())); // the default port
/// assert!(ours.allows(&"http://orders:8080/orders/1".parse().unwrap()));
///
/// assert!(!ours.allows(&"http://billing.internal/".parse().unwrap())); // another scheme
/// assert!(!ours.allows(&"http://orders/".parse().unwrap())); // another port (80)
/// assert!(!ours.allows(&"https://api.stripe.com/v1/charges".parse().unwrap()));
/// assert!(!ours.allows(&"/orders/1".parse().unwrap())); // nowhere in particular
/// ```
#[derive(Clone)]
pub struct Destinations(Rule);

#[derive(Clone)]
enum Rule {
    All,
    Origins(Arc<[Origin]>),
    Matching(Arc<dyn Fn(&Uri) -> bool + Send + Sync>),
}

/// One allowed origin, normalised: the scheme and host in lower case, the port explicit.
#[derive(Clone)]
struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

/// The port of `uri`: its own, or its scheme's default (`None` when it has neither).
fn port_of(uri: &Uri) -> Option<u16> {
    uri.port_u16().or_else(|| {
        let scheme = uri.scheme_str()?;
        if scheme.eq_ignore_ascii_case("http") {
            Some(80)
        } else if scheme.eq_ignore_ascii_case("https") {
            Some(443)
        } else {
            None
        }
    })
}

impl Origin {
    /// The origin of an absolute URI (`None` without a scheme or host, or a port it cannot know).
    fn of(uri: &Uri) -> Option<Self> {
        Some(Self {
            scheme: uri.scheme_str()?.to_ascii_lowercase(),
            host: uri.host()?.to_ascii_lowercase(),
            port: port_of(uri)?,
        })
    }

    /// Whether `uri` goes to this origin: compared in place, without allocating (this runs on
    /// every request a `PropagateLayer` sends).
    fn matches(&self, uri: &Uri) -> bool {
        uri.scheme_str()
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case(&self.scheme))
            && uri
                .host()
                .is_some_and(|host| host.eq_ignore_ascii_case(&self.host))
            && port_of(uri) == Some(self.port)
    }

    fn parse(text: &str) -> Result<Self, InvalidOrigin> {
        let invalid = |reason| InvalidOrigin {
            origin: text.to_owned(),
            reason,
        };
        let uri: Uri = text
            .parse()
            .map_err(|_| invalid("not a URI: write it as `scheme://host[:port]`"))?;
        let authority = uri.authority().filter(|_| uri.scheme().is_some()).ok_or_else(|| {
            invalid("no scheme and host: write it as `scheme://host[:port]`, e.g. `https://billing.internal`")
        })?;
        if authority.as_str().contains('@') {
            return Err(invalid(
                "has user information: an origin is `scheme://host[:port]` only",
            ));
        }
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
            return Err(invalid(
                "has a path or a query: an origin is `scheme://host[:port]`, and every path on it is allowed",
            ));
        }
        Self::of(&uri).ok_or_else(|| {
            invalid("has no port and its scheme has no default one (http: 80, https: 443): write the port")
        })
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
    }
}

impl Destinations {
    /// Only these origins (`scheme://host[:port]`; the port defaults to 80 for `http` and 443
    /// for `https`; host and scheme compared without case).
    ///
    /// # Errors
    ///
    /// An origin that is not `scheme://host[:port]`: no scheme or host, a path, a query, user
    /// information, or no port where the scheme has no default.
    ///
    /// ```
    /// use context_runtime::Destinations;
    ///
    /// let error = Destinations::origins(["billing.internal"]).err().unwrap();
    /// assert_eq!(
    ///     error.to_string(),
    ///     "`billing.internal` is not an origin: no scheme and host: write it as \
    ///      `scheme://host[:port]`, e.g. `https://billing.internal`"
    /// );
    /// assert!(Destinations::origins(["https://billing.internal/api"]).is_err());
    /// ```
    pub fn origins<I>(origins: I) -> Result<Self, InvalidOrigin>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let origins = origins
            .into_iter()
            .map(|origin| Origin::parse(origin.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self(Rule::Origins(origins.into())))
    }

    /// The destinations whose URI `allows` accepts (called only with absolute URIs).
    ///
    /// ```
    /// use context_runtime::Destinations;
    ///
    /// let ours = Destinations::matching(|uri| {
    ///     uri.scheme_str() == Some("https") && uri.host().is_some_and(|host| host.ends_with(".internal"))
    /// });
    /// assert!(ours.allows(&"https://billing.internal/".parse().unwrap()));
    /// assert!(!ours.allows(&"https://billing.internal.attacker.example/".parse().unwrap()));
    /// ```
    pub fn matching(allows: impl Fn(&Uri) -> bool + Send + Sync + 'static) -> Self {
        Self(Rule::Matching(Arc::new(allows)))
    }

    /// Every destination: for a client bound to our own services (a tonic `Channel` to one, a
    /// client with a fixed base URL), never for one that may call a third party.
    ///
    /// ```
    /// use context_runtime::Destinations;
    ///
    /// assert!(Destinations::all().allows(&"/inventory.Inventory/Reserve".parse().unwrap()));
    /// ```
    pub fn all() -> Self {
        Self(Rule::All)
    }

    /// Whether a request to `uri` may carry what we propagate.
    pub fn allows(&self, uri: &Uri) -> bool {
        match &self.0 {
            Rule::All => true,
            Rule::Origins(origins) => origins.iter().any(|origin| origin.matches(uri)),
            Rule::Matching(allows) => uri.scheme().is_some() && uri.host().is_some() && allows(uri),
        }
    }

    /// [`inject_current`](crate::inject_current) for a message to `uri`: the current contexts'
    /// fields and the received baggage go into `carrier` when the destination is allowed, and
    /// nothing is written otherwise. Returns whether it was.
    ///
    /// # Errors
    ///
    /// As [`inject_current`](crate::inject_current): the contexts' fields alone exceed the W3C
    /// limits.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use context_runtime::{Destinations, RequestContext};
    ///
    /// #[derive(RequestContext)]
    /// struct Ctx { #[context(propagate)] tenant: u64 }
    ///
    /// let ours = Destinations::origins(["https://billing.internal"]).unwrap();
    /// Ctx::builder().tenant(7).build().sync_scope(|| {
    ///     let mut to_billing = HashMap::new();
    ///     assert!(ours.inject_current(&"https://billing.internal/v1".parse().unwrap(), &mut to_billing).unwrap());
    ///     assert_eq!(to_billing["baggage"], "tenant=7");
    ///
    ///     let mut to_stripe = HashMap::new();
    ///     assert!(!ours.inject_current(&"https://api.stripe.com/v1".parse().unwrap(), &mut to_stripe).unwrap());
    ///     assert!(to_stripe.is_empty());
    /// });
    /// ```
    pub fn inject_current(
        &self,
        uri: &Uri,
        carrier: &mut (impl Carrier + ?Sized),
    ) -> Result<bool, CarrierError> {
        if !self.allows(uri) {
            return Ok(false);
        }
        crate::inject_current(carrier)?;
        Ok(true)
    }
}

impl fmt::Debug for Destinations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Rule::All => f.write_str("Destinations::all()"),
            Rule::Origins(origins) => f
                .debug_tuple("Destinations::origins")
                .field(&format_args!(
                    "[{}]",
                    origins
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .finish(),
            Rule::Matching(_) => f.write_str("Destinations::matching(..)"),
        }
    }
}

/// An origin given to [`Destinations::origins`] that is not `scheme://host[:port]`.
///
/// ```
/// # use context_runtime::Destinations;
/// let error = Destinations::origins(["ftp://files.internal"]).err().unwrap();
/// assert!(error.to_string().contains("write the port"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidOrigin {
    origin: String,
    reason: &'static str,
}

impl fmt::Display for InvalidOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not an origin: {}", self.origin, self.reason)
    }
}

impl std::error::Error for InvalidOrigin {}
