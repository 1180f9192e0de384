//! [`Deadline`]: the request's deadline and cancellation, which travel with it like its other
//! facts: Go's `context.WithTimeout`, `ctx.Deadline()` and `ctx.Done()`, as a context of the
//! runtime's own.

mod cancel;
mod timeout;
#[cfg(feature = "http")]
pub(crate) mod wire;

use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::task::LocalKey;

use tokio_util::sync::CancellationToken;

use self::cancel::CancelOnDrop;
pub use self::timeout::{DeadlineExceeded, Timeout, timeout};
use crate::core::Sealed;
use crate::{Current, RequestContext, Scoped};

/// The time by which the current request must be answered, set once at the edge and read by
/// every function, task and thread working for it; and the request's cancellation, which
/// [`done`] observes.
///
/// - Set: [`Deadline::after`] / [`Deadline::at`], entered with [`scope`](Self::scope) (or
///   [`sync_scope`](Self::sync_scope)) like any context. With the `http` feature, `ContextLayer`
///   sets one per request from the caller's `grpc-timeout` or the server's default, and
///   `PropagateLayer` sends what is left of it to the next service.
/// - Read: [`Deadline::remaining`] and [`Deadline::expired`], anywhere below.
/// - Enforced: [`timeout`] runs a future until the deadline; [`done`] resolves when it passes or
///   the request is dropped (the client went away, the server answered 504).
///
/// **A deadline only tightens**, as in Go: scoped inside an earlier one, a later deadline does
/// not extend it, the earlier one stays in force. Spawned work carries it like any context
/// (`#[with_context]`, [`Snapshot`](crate::Snapshot), [`spawn`](crate::spawn)); the typed form
/// carries the types it names, so name it there: `#[with_context(RequestCtx, Deadline)]`.
///
/// ```
/// use std::time::Duration;
/// use context_runtime::Deadline;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// assert_eq!(Deadline::remaining(), None); // no deadline set: nothing to read
/// Deadline::after(Duration::from_secs(2)).scope(async {
///     let left = Deadline::remaining().unwrap();
///     assert!(left <= Duration::from_secs(2) && left > Duration::from_secs(1));
///
///     // A later deadline inside does not extend it:
///     Deadline::after(Duration::from_secs(60)).scope(async {
///         assert!(Deadline::remaining().unwrap() <= Duration::from_secs(2));
///     }).await;
///     assert!(!Deadline::expired());
/// }).await;
/// # }
/// ```
///
/// Unlike Go, a dropped request does not stop the work it spawned: a task that does not look at
/// [`done`] runs to its end (an audit record, a receipt), since Rust cancels a future only by
/// dropping it, and a detached task is no one's to drop. Work that should stop selects on
/// `done()` or runs under [`timeout`].
#[derive(Clone)]
pub struct Deadline {
    at: Instant,
    /// The request's cancellation: made by the outermost deadline's [`scope`](Self::scope),
    /// shared by the deadlines scoped inside it.
    cancel: Option<CancellationToken>,
}

tokio::task_local! {
    static DEADLINE: Current<Deadline>;
}

impl Deadline {
    /// A deadline `budget` from now. A budget too large for the clock is a deadline that never
    /// comes.
    ///
    /// ```
    /// # use std::time::{Duration, Instant};
    /// # use context_runtime::Deadline;
    /// let deadline = Deadline::after(Duration::from_millis(250));
    /// assert!(deadline.instant() <= Instant::now() + Duration::from_millis(250));
    /// ```
    pub fn after(budget: Duration) -> Self {
        let now = Instant::now();
        Self::at(now.checked_add(budget).unwrap_or_else(|| far_future(now)))
    }

    /// A deadline at `instant`.
    ///
    /// ```
    /// # use std::time::{Duration, Instant};
    /// # use context_runtime::Deadline;
    /// let at = Instant::now() + Duration::from_secs(1);
    /// assert_eq!(Deadline::at(at).instant(), at);
    /// ```
    pub fn at(instant: Instant) -> Self {
        Self {
            at: instant,
            cancel: None,
        }
    }

    /// When this deadline passes.
    ///
    /// ```
    /// # use std::time::{Duration, Instant};
    /// # use context_runtime::{Deadline, RequestContext};
    /// let at = Instant::now() + Duration::from_secs(1);
    /// Deadline::at(at).sync_scope(|| assert_eq!(Deadline::current().instant(), at));
    /// ```
    pub fn instant(&self) -> Instant {
        self.at
    }

    /// The time left before the current deadline (zero once it passed), or `None` where no
    /// deadline is set.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use context_runtime::Deadline;
    /// let left = Deadline::after(Duration::from_secs(5)).sync_scope(Deadline::remaining);
    /// assert!(left.unwrap() <= Duration::from_secs(5));
    /// assert_eq!(Deadline::remaining(), None);
    /// ```
    pub fn remaining() -> Option<Duration> {
        Self::try_with(|deadline| deadline.at.saturating_duration_since(Instant::now()))
    }

    /// Whether the current deadline has passed (`false` where none is set).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use context_runtime::Deadline;
    /// assert!(Deadline::after(Duration::ZERO).sync_scope(Deadline::expired));
    /// assert!(!Deadline::after(Duration::from_secs(5)).sync_scope(Deadline::expired));
    /// assert!(!Deadline::expired());
    /// ```
    pub fn expired() -> bool {
        Self::try_with(|deadline| deadline.at <= Instant::now()).unwrap_or(false)
    }

    /// Runs `fut` with this deadline in force (or the current one, when it is earlier). The
    /// outermost deadline scope is the request's: when it is dropped before `fut` completes (the
    /// client went away), [`done`] resolves in all the work that holds the deadline.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use context_runtime::Deadline;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let left = Deadline::after(Duration::from_secs(1)).scope(async { Deadline::remaining() }).await;
    /// assert!(left.is_some());
    /// # }
    /// ```
    pub fn scope<F: Future>(self, fut: F) -> DeadlineScope<F> {
        let (deadline, guard) = self.__entering().request();
        DeadlineScope::new(Current::new(deadline), guard, fut)
    }

    /// Runs `f` with this deadline in force (or the current one, when it is earlier): for
    /// blocking code, which reads it with [`remaining`](Self::remaining).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use context_runtime::Deadline;
    /// let expired = Deadline::after(Duration::ZERO).sync_scope(Deadline::expired);
    /// assert!(expired);
    /// ```
    pub fn sync_scope<R>(self, f: impl FnOnce() -> R) -> R {
        RequestContext::sync_scope(self, f)
    }

    /// This deadline with the request's cancellation: the one in force when nested, otherwise a
    /// new one, with the guard that cancels it when the request is dropped unfinished.
    pub(crate) fn request(mut self) -> (Self, CancelOnDrop) {
        if self.cancel.is_some() {
            return (self, CancelOnDrop::disarmed());
        }
        let cancel = CancellationToken::new();
        self.cancel = Some(cancel.clone());
        (self, CancelOnDrop::new(cancel))
    }
}

/// A clock reading no deadline reaches: a century on.
fn far_future(now: Instant) -> Instant {
    const CENTURY: Duration = Duration::from_hours(100 * 365 * 24);
    now.checked_add(CENTURY).unwrap_or(now)
}

// Hidden from the "the trait is implemented for" hints of a type that forgot its derive: the
// runtime's own context is no example of what to write.
#[diagnostic::do_not_recommend]
impl Sealed for Deadline {}

#[diagnostic::do_not_recommend]
impl RequestContext for Deadline {
    fn __storage() -> &'static LocalKey<Current<Self>> {
        &DEADLINE
    }

    /// Tighten-only: inside an earlier deadline, that one stays in force; a nested deadline
    /// shares the request's cancellation.
    fn __entering(self) -> Self {
        match Self::try_with(|outer| (outer.at, outer.cancel.clone())) {
            Some((outer, cancel)) => Self {
                at: self.at.min(outer),
                cancel: self.cancel.or(cancel),
            },
            None => self,
        }
    }
}

impl fmt::Debug for Deadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Deadline")
            .field(
                "remaining",
                &self.at.saturating_duration_since(Instant::now()),
            )
            .finish_non_exhaustive()
    }
}

pin_project_lite::pin_project! {
    /// A future running inside a [`Deadline`], returned by [`Deadline::scope`]: the request's,
    /// when it is the outermost, which [`done`] reports dropped if this future is dropped before
    /// it completes.
    ///
    /// ```
    /// # use std::time::Duration;
    /// use context_runtime::{Deadline, DeadlineScope};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let scoped: DeadlineScope<_> = Deadline::after(Duration::from_secs(1)).scope(async { 7 });
    /// assert_eq!(scoped.await, 7);
    /// # }
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct DeadlineScope<F> {
        #[pin]
        inner: Scoped<Deadline, F>,
        // Dropped after `inner`, whose work is dropped inside the deadline first.
        guard: CancelOnDrop,
    }
}

impl<F: Future> DeadlineScope<F> {
    pub(crate) fn new(deadline: Current<Deadline>, guard: CancelOnDrop, fut: F) -> Self {
        Self {
            inner: deadline.scope(fut),
            guard,
        }
    }
}

impl<F: Future> Future for DeadlineScope<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let output = std::task::ready!(this.inner.poll(cx));
        // Completed: the request was answered, not abandoned.
        this.guard.disarm();
        Poll::Ready(output)
    }
}

impl<F> fmt::Debug for DeadlineScope<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeadlineScope").finish_non_exhaustive()
    }
}

/// Resolves when the current request's deadline passes, or when the request is dropped before it
/// completes (its client went away, or the server answered 504): what spawned work holding the
/// request's context selects on to stop early, Go's `<-ctx.Done()`. Where no deadline is set it
/// never resolves.
///
/// The deadline is read when the future is first polled, where it runs (a task spawned through
/// `#[with_context]` holds the request's). Work that does not look is not stopped.
///
/// ```
/// use std::time::Duration;
/// use context_runtime::{Deadline, done};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let stopped = Deadline::after(Duration::from_millis(20)).scope(async {
///     tokio::select! {
///         () = done() => "stopped at the deadline",
///         () = tokio::time::sleep(Duration::from_secs(10)) => "finished",
///     }
/// }).await;
/// assert_eq!(stopped, "stopped at the deadline");
/// # }
/// ```
pub async fn done() {
    let Some((at, cancel)) = Deadline::try_with(|deadline| (deadline.at, deadline.cancel.clone()))
    else {
        return std::future::pending().await;
    };
    let sleep = tokio::time::sleep_until(at.into());
    match cancel {
        Some(cancel) => {
            let (mut sleep, mut cancelled) = (pin!(sleep), pin!(cancel.cancelled()));
            poll_fn(|cx| {
                if sleep.as_mut().poll(cx).is_ready() || cancelled.as_mut().poll(cx).is_ready() {
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            })
            .await;
        }
        None => sleep.await,
    }
}
