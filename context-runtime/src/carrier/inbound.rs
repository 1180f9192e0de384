//! [`Inbound`]: what the request being served brought in and what is sent on for it, without
//! being a fact of any context: the baggage it received (forwarded by `inject_current`) and,
//! behind `ContextLayer`, its request id (sent on by `PropagateLayer`). A context of the
//! runtime's own, so spawned work and snapshots carry it like any other.

use std::sync::{Arc, Once};

use tokio::task::LocalKey;

use super::Baggage;
use crate::core::{Current, RequestContext, Sealed, registry};

/// What the request being served brought in.
pub(crate) struct Inbound {
    /// The received baggage, as parsed (leniently): forwarded after the contexts' own fields.
    pub(crate) baggage: Baggage,
    /// The request's id (the `x-request-id` echoed to the caller), sent on with every request
    /// made for it.
    #[cfg(feature = "http")]
    pub(crate) request_id: Option<http::HeaderValue>,
}

tokio::task_local! {
    static INBOUND: Current<Inbound>;
}

impl Sealed for Inbound {}

/// Hand-written, as the derive would: no fields to log or propagate (the baggage is forwarded
/// by the carriers themselves, entry by entry).
impl RequestContext for Inbound {
    fn __storage() -> &'static LocalKey<Current<Self>> {
        &INBOUND
    }
}

impl Inbound {
    /// Received baggage entered by hand ([`Baggage::scope`]): the request id of an enclosing
    /// request, if any, still goes on.
    pub(crate) fn received(baggage: Baggage) -> Current<Self> {
        Self::current(Self {
            baggage,
            #[cfg(feature = "http")]
            request_id: Self::try_with(|inbound| inbound.request_id.clone()).flatten(),
        })
    }

    /// What a request brought in, as `ContextLayer` enters it around the service.
    #[cfg(feature = "http")]
    pub(crate) fn request(baggage: Baggage, request_id: http::HeaderValue) -> Current<Self> {
        Self::current(Self {
            baggage,
            request_id: Some(request_id),
        })
    }

    /// `value` behind a [`Current`], registered once per process: a concrete type can keep its
    /// own flag, where `Current::new` looks the type up in the registry every time (about 45
    /// instructions on every request).
    fn current(value: Self) -> Current<Self> {
        static REGISTERED: Once = Once::new();
        REGISTERED.call_once(registry::register::<Self>);
        Current::from_arc(Arc::new(value))
    }
}
