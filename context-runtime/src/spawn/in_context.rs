//! [`InContext`]: a future or stream that runs inside a [`Snapshot`], and [`ContextExt`], the
//! extension that makes one.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::Snapshot;

pin_project_lite::pin_project! {
    /// A future or stream that enters its captured contexts around every poll, returned by
    /// [`Snapshot::scope`], [`ContextExt::in_current_context`] and [`ContextExt::in_context`].
    ///
    /// Spawn it anywhere (another task, another runtime, a `LocalSet`): every poll sees the
    /// contexts that were set where it was captured. For a stream, that is every item.
    ///
    /// ```
    /// use context_runtime::{ContextExt, RequestContext};
    ///
    /// #[derive(RequestContext)]
    /// struct Ctx { tenant: u64 }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let child = Ctx::builder().tenant(7).build().sync_scope(|| async { *Ctx::current().tenant() }.in_current_context());
    /// assert_eq!(tokio::spawn(child).await.unwrap(), 7);
    /// # }
    /// ```
    #[must_use = "futures and streams do nothing unless polled"]
    pub struct InContext<T> {
        #[pin]
        inner: T,
        snapshot: Snapshot,
    }
}

impl<T> InContext<T> {
    pub(crate) fn new(inner: T, snapshot: Snapshot) -> Self {
        Self { inner, snapshot }
    }

    /// The contexts this future or stream runs in.
    ///
    /// ```
    /// # use context_runtime::ContextExt;
    /// assert!(std::future::ready(()).in_current_context().snapshot().is_empty());
    /// ```
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }
}

impl<T> fmt::Debug for InContext<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InContext")
            .field("snapshot", &self.snapshot)
            .finish_non_exhaustive()
    }
}

impl<F: Future> Future for InContext<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let inner = this.inner;
        this.snapshot.enter_all(|| inner.poll(cx))
    }
}

impl<S: Stream> Stream for InContext<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = self.project();
        let inner = this.inner;
        this.snapshot.enter_all(|| inner.poll_next(cx))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

/// Carries the current contexts into a future or a stream that will run elsewhere (like
/// `tracing::Instrument`).
///
/// ```
/// use context_runtime::{ContextExt, RequestContext};
///
/// #[derive(RequestContext)]
/// struct Ctx { request_id: String }
///
/// async fn audit() -> String { Ctx::with(|c| c.request_id().clone()) }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let ctx = Ctx::builder().request_id("r-1".into()).build();
/// let seen = ctx.scope(async { tokio::spawn(audit().in_current_context()).await.unwrap() }).await;
/// assert_eq!(seen, "r-1");
/// # }
/// ```
pub trait ContextExt: Sized {
    /// Captures the contexts set now ([`Snapshot::capture`]) and enters them around every poll.
    fn in_current_context(self) -> InContext<Self> {
        InContext::new(self, Snapshot::capture())
    }

    /// Enters `snapshot`'s contexts around every poll.
    ///
    /// ```
    /// # use context_runtime::{ContextExt, RequestContext, Snapshot};
    /// # #[derive(RequestContext)] struct Ctx { tenant: u64 }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let snapshot = Ctx::builder().tenant(3).build().sync_scope(Snapshot::capture);
    /// assert_eq!(async { *Ctx::current().tenant() }.in_context(snapshot).await, 3);
    /// # }
    /// ```
    fn in_context(self, snapshot: Snapshot) -> InContext<Self> {
        InContext::new(self, snapshot)
    }
}

impl<T: Sized> ContextExt for T {}
