//! [`timeout`]: a future run until the current request's deadline.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use tokio::time::Sleep;
use tokio_util::sync::WaitForCancellationFutureOwned;

use super::Deadline;
use crate::RequestContext;

/// Runs `fut` until the current request's [`Deadline`]: its output, or [`DeadlineExceeded`] when
/// the deadline passes first, or the request is dropped first (its client went away: see
/// [`done`](super::done)), and `fut` is dropped. Where no deadline is set, `fut` runs to
/// completion; where it has already passed, `fut` is not started.
///
/// The deadline is read when the future is first polled, where it runs: `timeout(fut)` may be
/// built before the deadline's scope is entered, as in `deadline.scope(timeout(fut))`. Like
/// `tokio::time::timeout`, it needs a tokio runtime with its timer enabled (`#[tokio::main]`
/// enables it); the timer is made only if the work does not finish at its first poll.
///
/// ```
/// use std::time::Duration;
/// use context_runtime::{Deadline, timeout};
///
/// async fn slow_query() -> u32 {
///     tokio::time::sleep(Duration::from_secs(10)).await;
///     42
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let answer = Deadline::after(Duration::from_millis(20)).scope(timeout(slow_query())).await;
/// assert_eq!(answer.unwrap_err().to_string(), "the request's deadline passed before this work finished");
///
/// // No deadline: it runs to completion.
/// assert_eq!(timeout(async { 7 }).await, Ok(7));
/// # }
/// ```
pub fn timeout<F: IntoFuture>(fut: F) -> Timeout<F::IntoFuture> {
    Timeout {
        future: fut.into_future(),
        limit: Limit::Unread,
    }
}

pin_project_lite::pin_project! {
    /// The future of [`timeout`].
    ///
    /// ```
    /// use context_runtime::{Timeout, timeout};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let bounded: Timeout<_> = timeout(async { "done" });
    /// assert_eq!(bounded.await, Ok("done"));
    /// # }
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Timeout<F> {
        #[pin]
        future: F,
        limit: Limit,
    }
}

/// What bounds the future: not known before the first poll, then a deadline, then (once the work
/// waits) its timer and the wait for the request's cancellation, or nothing.
enum Limit {
    Unread,
    /// `watch`: whether the request's cancellation ends the work too (not for the edge's own
    /// bound, whose request is the future being dropped).
    At {
        at: Instant,
        watch: bool,
    },
    /// Boxed: most work finishes at its first poll, and a timer would make every `Timeout` as
    /// large as one, and cost a runtime handle's clone and drop to make.
    Waiting(Pin<Box<Waiting>>),
    Unbounded,
}

pin_project_lite::pin_project! {
    /// The timer of the deadline, and the wait for the request's cancellation.
    struct Waiting {
        #[pin]
        sleep: Sleep,
        #[pin]
        cancelled: Cancelled,
    }
}

pin_project_lite::pin_project! {
    /// The wait for the request's cancellation, when the deadline belongs to a request.
    #[project = CancelledProjection]
    enum Cancelled {
        Never,
        Waiting { #[pin] wait: WaitForCancellationFutureOwned },
    }
}

impl Waiting {
    /// `Some` when the deadline passed (`false`) or the request was dropped (`true`).
    fn poll_end(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Option<bool> {
        let this = self.project();
        if this.sleep.poll(cx).is_ready() {
            return Some(false);
        }
        match this.cancelled.project() {
            CancelledProjection::Waiting { wait } => wait.poll(cx).is_ready().then_some(true),
            CancelledProjection::Never => None,
        }
    }
}

impl<F: Future> Timeout<F> {
    /// `fut` until `at`, whatever deadline is current where it runs.
    #[cfg(feature = "http")]
    pub(crate) fn until(at: Instant, fut: F) -> Self {
        Self {
            future: fut,
            limit: Limit::At { at, watch: false },
        }
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, DeadlineExceeded>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.limit {
                Limit::Unread => {
                    *this.limit = Deadline::try_with(|deadline| deadline.instant())
                        .map_or(Limit::Unbounded, |at| Limit::At { at, watch: true });
                }
                Limit::At { at, watch } => {
                    let (at, watch) = (*at, *watch);
                    // Past its deadline, the work is not started.
                    if at <= Instant::now() {
                        return Poll::Ready(Err(DeadlineExceeded { dropped: false }));
                    }
                    if let Poll::Ready(output) = this.future.as_mut().poll(cx) {
                        return Poll::Ready(Ok(output));
                    }
                    // The work waits: now the timer, and the request's cancellation.
                    let cancel = watch
                        .then(|| Deadline::try_with(|deadline| deadline.cancel.clone()))
                        .flatten()
                        .flatten();
                    let mut waiting = Box::pin(Waiting {
                        sleep: tokio::time::sleep_until(at.into()),
                        cancelled: cancel.map_or(Cancelled::Never, |cancel| Cancelled::Waiting {
                            wait: cancel.cancelled_owned(),
                        }),
                    });
                    let end = waiting.as_mut().poll_end(cx);
                    *this.limit = Limit::Waiting(waiting);
                    return end.map_or(Poll::Pending, |dropped| {
                        Poll::Ready(Err(DeadlineExceeded { dropped }))
                    });
                }
                Limit::Waiting(waiting) => {
                    if let Poll::Ready(output) = this.future.as_mut().poll(cx) {
                        return Poll::Ready(Ok(output));
                    }
                    return waiting
                        .as_mut()
                        .poll_end(cx)
                        .map_or(Poll::Pending, |dropped| {
                            Poll::Ready(Err(DeadlineExceeded { dropped }))
                        });
                }
                Limit::Unbounded => return this.future.poll(cx).map(Ok),
            }
        }
    }
}

impl<F> fmt::Debug for Timeout<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout").finish_non_exhaustive()
    }
}

/// The request's deadline passed before the work under [`timeout`] finished, or the request was
/// dropped before it ([`request_dropped`](Self::request_dropped)): either way, no one waits for
/// the work any more.
///
/// ```
/// use std::time::Duration;
/// use context_runtime::{Deadline, DeadlineExceeded, timeout};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let late: Result<(), DeadlineExceeded> =
///     Deadline::after(Duration::ZERO).scope(timeout(async {})).await;
/// let error = std::io::Error::from(late.unwrap_err());
/// assert_eq!(error.kind(), std::io::ErrorKind::TimedOut);
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeadlineExceeded {
    dropped: bool,
}

impl DeadlineExceeded {
    /// Whether the request was dropped (its client went away) before its deadline, rather than
    /// the deadline passing: Go's `context.Canceled` beside `DeadlineExceeded`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use context_runtime::{Deadline, timeout};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let late = Deadline::after(Duration::ZERO).scope(timeout(async {})).await.unwrap_err();
    /// assert!(!late.request_dropped());
    /// # }
    /// ```
    pub fn request_dropped(&self) -> bool {
        self.dropped
    }
}

impl fmt::Display for DeadlineExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.dropped {
            "the request was dropped before this work finished"
        } else {
            "the request's deadline passed before this work finished"
        })
    }
}

impl std::error::Error for DeadlineExceeded {}

impl From<DeadlineExceeded> for std::io::Error {
    fn from(error: DeadlineExceeded) -> Self {
        Self::new(std::io::ErrorKind::TimedOut, error)
    }
}
