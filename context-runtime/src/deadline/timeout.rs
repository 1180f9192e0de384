//! [`timeout`]: a future run until the current request's deadline.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use tokio::time::Sleep;

use super::Deadline;
use crate::RequestContext;

/// Runs `fut` until the current request's [`Deadline`]: its output, or [`DeadlineExceeded`] when
/// the deadline passes first (and `fut` is dropped). Where no deadline is set, `fut` runs to
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
        #[pin]
        limit: Limit,
    }
}

pin_project_lite::pin_project! {
    /// What bounds the future: not known before the first poll, then a deadline, its timer, or
    /// nothing.
    #[project = LimitProjection]
    enum Limit {
        Unread,
        At { at: Instant },
        Sleeping { #[pin] sleep: Sleep },
        Unbounded,
    }
}

impl<F: Future> Timeout<F> {
    /// `fut` until `at`, whatever deadline is current where it runs.
    #[cfg(feature = "http")]
    pub(crate) fn until(at: Instant, fut: F) -> Self {
        Self {
            future: fut,
            limit: Limit::At { at },
        }
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, DeadlineExceeded>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.limit.as_mut().project() {
                LimitProjection::Unread => {
                    let limit = match Deadline::try_with(Deadline::instant) {
                        Some(at) => Limit::At { at },
                        None => Limit::Unbounded,
                    };
                    this.limit.set(limit);
                }
                LimitProjection::At { at } => {
                    let at = *at;
                    // Past its deadline, the work is not started.
                    if at <= Instant::now() {
                        return Poll::Ready(Err(DeadlineExceeded(())));
                    }
                    // The timer only once the work waits: most work finishes at its first poll,
                    // and a `Sleep` costs a runtime handle's clone and drop (`benches/deadline.rs`).
                    if let Poll::Ready(output) = this.future.as_mut().poll(cx) {
                        return Poll::Ready(Ok(output));
                    }
                    this.limit.set(Limit::Sleeping {
                        sleep: tokio::time::sleep_until(at.into()),
                    });
                    let LimitProjection::Sleeping { sleep } = this.limit.as_mut().project() else {
                        unreachable!("the limit was just set to its timer");
                    };
                    return sleep.poll(cx).map(|()| Err(DeadlineExceeded(())));
                }
                LimitProjection::Sleeping { sleep } => {
                    if let Poll::Ready(output) = this.future.poll(cx) {
                        return Poll::Ready(Ok(output));
                    }
                    return sleep.poll(cx).map(|()| Err(DeadlineExceeded(())));
                }
                LimitProjection::Unbounded => return this.future.poll(cx).map(Ok),
            }
        }
    }
}

impl<F> fmt::Debug for Timeout<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout").finish_non_exhaustive()
    }
}

/// The request's deadline passed before the work under [`timeout`] finished.
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
pub struct DeadlineExceeded(());

impl fmt::Display for DeadlineExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the request's deadline passed before this work finished")
    }
}

impl std::error::Error for DeadlineExceeded {}

impl From<DeadlineExceeded> for std::io::Error {
    fn from(error: DeadlineExceeded) -> Self {
        Self::new(std::io::ErrorKind::TimedOut, error)
    }
}
