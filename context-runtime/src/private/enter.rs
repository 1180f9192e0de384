//! [`Enter`]: captured contexts that can run a future or a closure inside them. A
//! [`Snapshot`](crate::Snapshot) is one; `#[with_context(A, B)]` generates typed ones
//! (`(Captured<A>, (Captured<B>, ()))`), whose futures are the very nesting of [`Scoped`] a
//! hand-written propagation builds: no dynamic dispatch, no extra work per poll.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::task::LocalKey;

use crate::core::run_once;
use crate::{Current, InContext, RequestContext, Scoped, Snapshot};

/// Captured contexts that can be entered. Not public API: reached through `__private`.
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

/// One named context type's value at a spawn call (`#[with_context(T)]`), if it was set, with the
/// task-local it goes back into.
///
/// `T: RequestContext` is required once, where the value is captured ([`Captured::of`], spanned
/// at the type's name in the attribute); entering asks nothing more of `T`. So a type that is not
/// a context is reported there, and not again at every spawn call that carries it.
pub struct Captured<T: 'static> {
    current: Option<Current<T>>,
    key: &'static LocalKey<Current<T>>,
    sealed: bool,
}

impl<T: RequestContext> Captured<T> {
    /// `T`'s current value, if one is set.
    #[inline]
    pub fn of() -> Self {
        Self {
            current: T::try_current(),
            key: T::__storage(),
            sealed: T::__SEALED,
        }
    }
}

impl<T: 'static> Enter for Captured<T> {
    type Scoped<F: Future> = MaybeScoped<T, F>;

    #[inline]
    fn scope<F: Future>(self, future: F) -> MaybeScoped<T, F> {
        let state = match self.current {
            Some(current) => State::In {
                scoped: Scoped::new(self.key, current, future, self.sealed),
            },
            None => State::Out { future },
        };
        MaybeScoped { state }
    }

    #[inline]
    fn enter<R>(&mut self, f: impl FnOnce() -> R) -> R {
        match self.current.take() {
            Some(current) => {
                let (key, sealed) = (self.key, self.sealed);
                run_once(f, |run| self.current = current.enter_mut(key, sealed, run))
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
