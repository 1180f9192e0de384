//! [`Enter`]: captured contexts that can be entered around a poll or a closure, and handed back
//! for the next time. A [`Snapshot`](crate::Snapshot) is one; `#[with_context(A, B)]` generates
//! typed ones (`(Option<Current<A>>, (Option<Current<B>>, ()))`), which need no dynamic dispatch.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use crate::{Current, RequestContext};

/// Captured contexts that can be entered. Not public API: reached through `__private`.
#[diagnostic::on_unimplemented(
    message = "a type named in `#[with_context(..)]` is not a request context",
    label = "this spawn call would carry it",
    note = "request contexts are the structs that `#[derive(RequestContext)]`"
)]
pub trait Enter {
    /// Runs `f` with the captured contexts set, then keeps them for the next time.
    fn enter<R>(&mut self, f: impl FnOnce() -> R) -> R;
}

/// Nothing captured.
impl Enter for () {
    #[inline]
    fn enter<R>(&mut self, f: impl FnOnce() -> R) -> R {
        f()
    }
}

/// One context type's value, if it was set.
#[diagnostic::do_not_recommend]
impl<T: RequestContext> Enter for Option<Current<T>> {
    #[inline]
    fn enter<R>(&mut self, f: impl FnOnce() -> R) -> R {
        match self.take() {
            Some(current) => {
                let (result, current) = enter_one(current, f);
                *self = current;
                result
            }
            None => f(),
        }
    }
}

/// Several: the first entered around the rest.
#[diagnostic::do_not_recommend]
impl<A: Enter, B: Enter> Enter for (A, B) {
    #[inline]
    fn enter<R>(&mut self, f: impl FnOnce() -> R) -> R {
        let (first, rest) = self;
        first.enter(|| rest.enter(f))
    }
}

/// Runs `f` with `current` as the current context of its type, and hands the value back.
///
/// tokio's public API can enter a task-local and give the value back without touching its
/// reference count only through a `TaskLocalFuture`: build one around `f`, poll it once (it
/// completes at once) and take the value back out. If `f` panics, tokio restores the previous
/// value while unwinding, and `current` is dropped.
#[inline]
pub(crate) fn enter_one<T: RequestContext, R>(
    current: Current<T>,
    f: impl FnOnce() -> R,
) -> (R, Option<Current<T>>) {
    let mut f = Some(f);
    let mut result = None;
    let current = {
        let mut scoped = pin!(T::__storage().scope(
            current,
            poll_fn(|_| {
                result = f.take().map(|f| f());
                Poll::Ready(())
            })
        ));
        let _ = scoped
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()));
        scoped.take_value()
    };
    match result {
        Some(result) => (result, current),
        None => unreachable!("a ready `poll_fn` runs its closure once"),
    }
}
