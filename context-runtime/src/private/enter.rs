//! [`Enter`]: captured contexts that can run a future or a closure inside them. A
//! [`Snapshot`](crate::Snapshot) is one; `#[with_context(A, B)]` generates typed ones
//! (`(Option<Current<A>>, (Option<Current<B>>, ()))`), whose futures are the very nesting of
//! [`Scoped`] a hand-written propagation builds: no dynamic dispatch, no extra work per poll.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::core::run_once;
use crate::{Current, InContext, RequestContext, Scoped, Snapshot};

/// Captured contexts that can be entered. Not public API: reached through `__private`.
#[diagnostic::on_unimplemented(
    message = "a type named in `#[with_context(..)]` is not a request context",
    label = "this spawn call would carry it",
    note = "request contexts are the structs that `#[derive(RequestContext)]`"
)]
pub trait Enter {
    /// The future that polls `F` inside the captured contexts.
    type Scoped<F: Future>: Future<Output = F::Output>;

    /// Runs `future` inside the captured contexts, entered around every poll.
    fn scope<F: Future>(self, future: F) -> Self::Scoped<F>;

    /// Runs `f` with the captured contexts set, then keeps them for the next time.
    fn enter<R>(&mut self, f: impl FnOnce() -> R) -> R;
}

/// Nothing captured.
impl Enter for () {
    type Scoped<F: Future> = F;

    #[inline]
    fn scope<F: Future>(self, future: F) -> F {
        future
    }

    #[inline]
    fn enter<R>(&mut self, f: impl FnOnce() -> R) -> R {
        f()
    }
}

/// Every context type set at the capture, erased.
impl Enter for Snapshot {
    type Scoped<F: Future> = InContext<F>;

    #[inline]
    fn scope<F: Future>(self, future: F) -> InContext<F> {
        InContext::new(future, self)
    }

    #[inline]
    fn enter<R>(&mut self, f: impl FnOnce() -> R) -> R {
        self.enter_all(f)
    }
}

pin_project_lite::pin_project! {
    /// A future inside one context type's value or, when none was set, the future itself.
    pub struct MaybeScoped<T: 'static, F> {
        #[pin]
        state: State<T, F>,
    }
}

pin_project_lite::pin_project! {
    #[project = StateProjection]
    enum State<T: 'static, F> {
        In { #[pin] scoped: Scoped<T, F> },
        Out { #[pin] future: F },
    }
}

impl<T: 'static, F: Future> Future for MaybeScoped<T, F> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        match self.project().state.project() {
            StateProjection::In { scoped } => scoped.poll(cx),
            StateProjection::Out { future } => future.poll(cx),
        }
    }
}

/// One context type's value, if it was set.
#[diagnostic::do_not_recommend]
impl<T: RequestContext> Enter for Option<Current<T>> {
    type Scoped<F: Future> = MaybeScoped<T, F>;

    #[inline]
    fn scope<F: Future>(self, future: F) -> MaybeScoped<T, F> {
        let state = match self {
            Some(current) => State::In {
                scoped: current.scope(future),
            },
            None => State::Out { future },
        };
        MaybeScoped { state }
    }

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
    type Scoped<F: Future> = A::Scoped<B::Scoped<F>>;

    #[inline]
    fn scope<F: Future>(self, future: F) -> Self::Scoped<F> {
        let (first, rest) = self;
        first.scope(rest.scope(future))
    }

    #[inline]
    fn enter<R>(&mut self, f: impl FnOnce() -> R) -> R {
        let (first, rest) = self;
        first.enter(|| rest.enter(f))
    }
}

/// Runs `f` with `current` as the current context of its type, and hands the value back.
#[inline]
fn enter_one<T: RequestContext, R>(
    current: Current<T>,
    f: impl FnOnce() -> R,
) -> (R, Option<Current<T>>) {
    let mut back = None;
    let result = run_once(f, |run| back = current.enter_mut(run));
    (result, back)
}
