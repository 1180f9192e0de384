//! The request's [`Deadline`] at the edge: [`ContextLayer`](super::ContextLayer) sets it from the
//! caller's `grpc-timeout` (capped by the server's maximum) or the server's default, runs the
//! service under it, and answers 504 when it passes first; [`PropagateLayer`](super::PropagateLayer)
//! sends what is left of it.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderValue, Response, StatusCode};
use tracing::Level;

use super::body::Kept;
use super::{ContextBody, RequestId, refusal};
use crate::deadline::wire::{self, GRPC_TIMEOUT};
use crate::{Current, Deadline, DeadlineExceeded, DeadlineScope, RequestContext, Timeout};

/// Why a request answered by the deadline was not served, for its log event and its body.
const LATE: &str = "the request's deadline passed before its response was ready";

/// How a layer decides each request's deadline, and answers one that passes.
#[derive(Clone, Copy, Debug)]
pub(super) struct Deadlines {
    /// The budget of a request that states none.
    pub(super) default: Option<Duration>,
    /// The most a caller may ask for.
    pub(super) max: Option<Duration>,
    /// The status of a request whose deadline passed (504).
    pub(super) status: StatusCode,
}

impl Default for Deadlines {
    fn default() -> Self {
        Self {
            default: None,
            max: None,
            status: StatusCode::GATEWAY_TIMEOUT,
        }
    }
}

impl Deadlines {
    /// The deadline of a request arriving now with `headers`: its caller's budget, at most the
    /// maximum; the default where it states none or states it in another format (a malformed
    /// budget is the caller's mistake, never a reason to trust it or to refuse the request).
    pub(super) fn of_request(&self, headers: &HeaderMap) -> Option<Instant> {
        let asked = headers
            .get(GRPC_TIMEOUT)
            .and_then(|value| wire::parse(value.as_bytes()));
        let budget = match (asked, self.max) {
            (Some(asked), Some(max)) => Some(asked.min(max)),
            (Some(asked), None) => Some(asked),
            (None, _) => self.default,
        }?;
        Some(Deadline::after(budget).instant())
    }
}

/// The service's future under the request's deadline, if it has one: `fut` inside the deadline
/// (kept for the response body too), cut when it passes.
pub(super) fn limit<Fut: Future>(at: Option<Instant>, fut: Fut, kept: &mut Kept) -> Limited<Fut> {
    let Some(at) = at else {
        return Limited::Free { future: fut };
    };
    // Inside an earlier deadline (a service called in-process by a request that has one), that
    // one stays in force.
    let (deadline, guard) = Deadline::at(at).__entering().request();
    let at = deadline.instant();
    let deadline = Current::new(deadline);
    kept.contexts.keep(deadline.clone());
    Limited::Bounded {
        future: DeadlineScope::new(deadline, guard, Timeout::until(at, fut)),
    }
}

pin_project_lite::pin_project! {
    /// The service's future, with or without a deadline.
    #[project = LimitedProjection]
    pub(super) enum Limited<Fut> {
        Free { #[pin] future: Fut },
        Bounded { #[pin] future: DeadlineScope<Timeout<Fut>> },
    }
}

impl<Fut: Future> Future for Limited<Fut> {
    type Output = Result<Fut::Output, DeadlineExceeded>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            LimitedProjection::Free { future } => future.poll(cx).map(Ok),
            LimitedProjection::Bounded { future } => future.poll(cx),
        }
    }
}

/// How a request whose deadline passed is answered: the status, in the request's protocol,
/// logged at the layer's refusal level.
#[derive(Clone, Copy, Debug)]
pub(super) struct Late {
    pub(super) status: StatusCode,
    pub(super) grpc: bool,
    pub(super) log: Option<Level>,
}

impl Late {
    pub(super) fn response<B>(self, id: &RequestId) -> Response<ContextBody<B>> {
        let mut response = Response::new(ContextBody::from(LATE.to_owned()));
        *response.status_mut() = self.status;
        refusal::answer(response, Some(LATE), self.grpc, self.log, id)
    }
}

/// What is left of the current deadline, as the `grpc-timeout` of a request sent now; `None`
/// where no deadline is set.
pub(super) fn remaining_header() -> Option<HeaderValue> {
    let remaining = Deadline::remaining()?;
    HeaderValue::try_from(wire::format(remaining)).ok()
}
