//! Carriers: where `#[context(propagate)]` fields travel between processes. A [`Carrier`] is any
//! text map (HTTP headers, a job payload's map); the fields go in its `baggage` key as a W3C
//! [`Baggage`] list, each field's value through [`Propagate`]; what goes wrong is a
//! [`CarrierError`]. With the `opentelemetry` feature, [`ContextPropagator`] does the same as an
//! OpenTelemetry propagator. With the `signing` feature, [`SigningKeys`] signs the fields a
//! service sends and verifies those it receives.

mod baggage;
mod error;
mod inbound;
#[cfg(feature = "opentelemetry")]
mod otel;
mod propagate;
#[cfg(feature = "signing")]
mod signing;

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

pub use baggage::{BAGGAGE, Baggage};
pub use error::CarrierError;
#[cfg(feature = "http")]
pub(crate) use inbound::Inbound;
#[cfg(feature = "opentelemetry")]
pub use otel::ContextPropagator;
#[cfg(feature = "http")]
pub(crate) use propagate::send_current;
#[cfg(feature = "opentelemetry")]
use propagate::{Existing, Outgoing};
pub use propagate::{Propagate, inject_current};
pub use propagate::{inject, write_baggage};
#[cfg(feature = "signing")]
pub use signing::{SigningKeyError, SigningKeys};

/// A text map that carries context between processes: HTTP headers, a message's metadata, a
/// job payload's map.
///
/// Implemented for `HashMap<String, String>`, `BTreeMap<String, String>` and (feature `http`)
/// `http::HeaderMap`. Implement it for your broker's message headers in a few lines:
///
/// ```
/// use context_runtime::Carrier;
///
/// /// Headers of a queue message, as a list of pairs.
/// struct MessageHeaders(Vec<(String, String)>);
///
/// impl Carrier for MessageHeaders {
///     fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
///         self.0.iter().filter(|(k, _)| k == key).for_each(|(_, v)| f(v));
///     }
///     fn set(&mut self, key: &str, value: String) {
///         self.0.retain(|(k, _)| k != key);
///         self.0.push((key.to_owned(), value));
///     }
/// }
/// ```
pub trait Carrier {
    /// Calls `f` with each value stored under `key`, in order (an HTTP request may repeat a
    /// header); not at all when there is none.
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str));

    /// Stores `value` under `key`, replacing every value there.
    fn set(&mut self, key: &str, value: String);
}

impl<S: BuildHasher> Carrier for HashMap<String, String, S> {
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
        if let Some(value) = self.get(key) {
            f(value);
        }
    }

    fn set(&mut self, key: &str, value: String) {
        self.insert(key.to_owned(), value);
    }
}

impl Carrier for BTreeMap<String, String> {
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
        if let Some(value) = self.get(key) {
            f(value);
        }
    }

    fn set(&mut self, key: &str, value: String) {
        self.insert(key.to_owned(), value);
    }
}

/// Header names are case-insensitive: `baggage` finds `Baggage`. A header value that is not
/// visible ASCII is passed on as is and refused by the baggage parser.
#[cfg(feature = "http")]
impl Carrier for http::HeaderMap {
    fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
        let values = if key == BAGGAGE {
            self.get_all(BAGGAGE_HEADER)
        } else {
            self.get_all(key)
        };
        for value in values {
            f(&String::from_utf8_lossy(value.as_bytes()));
        }
    }

    fn set(&mut self, key: &str, value: String) {
        let name = if key == BAGGAGE {
            Ok(BAGGAGE_HEADER)
        } else {
            http::header::HeaderName::try_from(key)
        };
        let (Ok(name), Ok(value)) = (name, http::HeaderValue::try_from(value)) else {
            // Unreachable for what this crate writes: the `baggage` key, and a rendered list
            // (visible ASCII and spaces only).
            return;
        };
        self.insert(name, value);
    }
}

/// `baggage` is not among `http`'s standard header names: looking it up by text would parse (and
/// allocate) it every time.
#[cfg(feature = "http")]
pub(crate) const BAGGAGE_HEADER: http::header::HeaderName =
    http::header::HeaderName::from_static(BAGGAGE);
