//! [`Scoped`]: a future that runs inside a context.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::task::LocalKey;
use tokio::task::futures::TaskLocalFuture;

use super::{Current, current, short_type_name};

pin_project_lite::pin_project! {
    /// A future that runs its inner future with a context value set, returned by
    /// [`RequestContext::scope`](crate::RequestContext::scope) and [`Current::scope`].
    ///
    /// The value is entered around every poll and left after it, also when the poll panics; when
    /// the future is dropped unfinished, the inner future is dropped inside the context too, so its
    /// destructors can still read it.
    ///
    /// ```
    /// use context_runtime::{RequestContext, Scoped};
    ///
    /// #[derive(RequestContext)]
    /// struct Ctx { tenant: u64 }
    ///
    /// async fn tenant() -> u64 { *Ctx::current().tenant() }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let fut: Scoped<Ctx, _> = Ctx::builder().tenant(3).build().scope(tenant());
    /// assert_eq!(fut.await, 3);
    /// # }
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Scoped<T: 'static, F> {
        #[pin]
        inner: TaskLocalFuture<Current<T>, F>,
        // A sealed type's key and the address of the value entered: checked before every poll,
        // where the value would shadow another.
        sealed: Option<(&'static LocalKey<Current<T>>, usize)>,
    }
}

impl<T: 'static, F: Future> Scoped<T, F> {
    /// `fut` with `value` entered in `key` around every poll; a `sealed` type's value must not
    /// shadow another one (see [`current::refuse_shadowing`]).
    pub(crate) fn new(
        key: &'static LocalKey<Current<T>>,
        value: Current<T>,
        fut: F,
        sealed: bool,
    ) -> Self {
        let sealed = sealed.then(|| (key, Current::addr(&value)));
        Self {
            inner: key.scope(value, fut),
            sealed,
        }
    }
}

impl<T: 'static, F: Future> Future for Scoped<T, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        if let Some((key, entering)) = *this.sealed {
            current::refuse_shadowing(key, entering);
        }
        this.inner.poll(cx)
    }
}

impl<T: 'static, F> fmt::Debug for Scoped<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scoped")
            .field("context", &short_type_name::<T>())
            .finish_non_exhaustive()
    }
}
