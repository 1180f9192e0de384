//! The request's cancellation: set once, when the request's deadline scope is dropped before it
//! completes, and awaited by [`done`](super::done).

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;

use tokio::sync::Notify;

/// A flag set once, and the tasks waiting for it.
#[derive(Default)]
pub(crate) struct Cancel {
    cancelled: AtomicBool,
    notify: Notify,
}

impl Cancel {
    fn cancel(&self) {
        self.cancelled.store(true, Ordering::Release);
        self.notify.notify_waiters();
    }

    /// Resolves when the flag is set or `other` completes, whichever comes first.
    pub(crate) async fn cancelled_or(&self, other: impl Future<Output = ()>) {
        let mut notified = pin!(self.notify.notified());
        // Registered before the flag is read: a `cancel` in between wakes it.
        notified.as_mut().enable();
        if self.cancelled.load(Ordering::Acquire) {
            return;
        }
        let mut other = pin!(other);
        poll_fn(|cx| {
            if notified.as_mut().poll(cx).is_ready() || other.as_mut().poll(cx).is_ready() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
    }
}

/// Cancels when dropped, unless disarmed first (the request completed).
pub(crate) struct CancelOnDrop(Option<Arc<Cancel>>);

impl CancelOnDrop {
    pub(crate) fn new(cancel: Arc<Cancel>) -> Self {
        Self(Some(cancel))
    }

    /// A guard that cancels nothing: a nested deadline's, whose cancellation is the request's.
    pub(crate) fn disarmed() -> Self {
        Self(None)
    }

    pub(crate) fn disarm(&mut self) {
        self.0 = None;
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(cancel) = self.0.take() {
            cancel.cancel();
        }
    }
}
