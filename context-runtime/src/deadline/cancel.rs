//! The request's cancellation: set once, when the request's deadline scope is dropped before it
//! completes, and observed by [`done`](super::done) and [`timeout`](super::timeout).

use tokio_util::sync::CancellationToken;

/// Cancels the request when dropped, unless disarmed first (the request completed).
pub(crate) struct CancelOnDrop(Option<CancellationToken>);

impl CancelOnDrop {
    pub(crate) fn new(cancel: CancellationToken) -> Self {
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
