//! Spawning work that keeps the current contexts: what `#[with_context]` does at a spawn call,
//! as functions.

use std::future::Future;

use tokio::task::JoinHandle;

use crate::Snapshot;

/// `tokio::spawn`, with every context set here captured now and entered in the task.
///
/// ```
/// # use context_runtime::RequestContext;
/// # #[derive(RequestContext)] struct Ctx { tenant: u64 }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let child = Ctx::builder().tenant(7).build().scope(async {
///     context_runtime::spawn(async { *Ctx::current().tenant() })
/// }).await;
/// assert_eq!(child.await.unwrap(), 7); // the parent's scope ended before the child ran
/// # }
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(Snapshot::capture().scope(future))
}

/// `tokio::task::spawn_blocking`, with every context set here captured now and entered for the
/// whole closure.
///
/// ```
/// # use context_runtime::RequestContext;
/// # #[derive(RequestContext)] struct Ctx { tenant: u64 }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let tenant = Ctx::builder().tenant(7).build().scope(async {
///     context_runtime::spawn_blocking(|| *Ctx::current().tenant()).await.unwrap()
/// }).await;
/// assert_eq!(tenant, 7);
/// # }
/// ```
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    tokio::task::spawn_blocking(Snapshot::capture().bind(f))
}

/// `tokio::task::spawn_local` (inside a `LocalSet`), with every context set here captured now and
/// entered in the task.
///
/// ```
/// # use context_runtime::RequestContext;
/// # #[derive(RequestContext)] struct Ctx { tenant: u64 }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let local = tokio::task::LocalSet::new();
/// let tenant = local.run_until(Ctx::builder().tenant(7).build().scope(async {
///     context_runtime::spawn_local(async { *Ctx::current().tenant() }).await.unwrap()
/// })).await;
/// assert_eq!(tenant, 7);
/// # }
/// ```
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    tokio::task::spawn_local(Snapshot::capture().scope(future))
}

/// `std::thread::spawn`, with every context set here captured now and entered for the whole
/// thread body.
///
/// ```
/// # use context_runtime::RequestContext;
/// # #[derive(RequestContext)] struct Ctx { tenant: u64 }
/// let thread = Ctx::builder().tenant(7).build().sync_scope(|| context_runtime::spawn_thread(|| *Ctx::current().tenant()));
/// assert_eq!(thread.join().unwrap(), 7);
/// ```
pub fn spawn_thread<F, T>(f: F) -> std::thread::JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    std::thread::spawn(Snapshot::capture().bind(f))
}

/// What `#[with_context]` wraps spawn arguments in. Not public API.
///
/// At a spawn call the generated code evaluates the argument, then asks its type which bind it
/// needs: `(&&Probe::of(&arg)).__kind().bind(capture, arg)`. Method resolution tries
/// [`AsFuture`](bind::AsFuture) first, then [`AsClosure`](bind::AsClosure), then
/// [`AsOther`](bind::AsOther); the generated code imports only the traits that fit the call
/// (`tokio::spawn` takes futures, `spawn_blocking` closures, `.spawn(..)` either). An argument
/// that fits none is passed through untouched, and `capture` is not even called: the compiler
/// then reports a wrong argument exactly as it would without the attribute, and a method that
/// merely shares the name `spawn` keeps working.
#[doc(hidden)]
pub mod bind {
    use std::marker::PhantomData;

    use super::Future;
    use crate::enter::Enter;
    use crate::{Current, RequestContext};

    /// One named context type's value at the spawn call (`#[with_context(T)]`).
    pub fn capture<T: RequestContext>() -> Option<Current<T>> {
        T::try_current()
    }

    /// Carries the type of a spawn call's argument, and nothing else.
    pub struct Probe<T>(PhantomData<fn() -> T>);

    impl<T> Probe<T> {
        pub fn of(_: &T) -> Self {
            Self(PhantomData)
        }
    }

    impl<T> Clone for Probe<T> {
        fn clone(&self) -> Self {
            *self
        }
    }

    impl<T> Copy for Probe<T> {}

    /// Chosen first: the argument is a future.
    pub trait AsFuture {
        fn __kind(&self) -> FutureKind;
    }

    impl<F: Future> AsFuture for &Probe<F> {
        fn __kind(&self) -> FutureKind {
            FutureKind
        }
    }

    /// Chosen next: the argument is a closure without parameters.
    pub trait AsClosure<R> {
        fn __kind(&self) -> ClosureKind;
    }

    impl<F: FnOnce() -> R, R> AsClosure<R> for Probe<F> {
        fn __kind(&self) -> ClosureKind {
            ClosureKind
        }
    }

    /// Chosen last: anything else.
    pub trait AsOther {
        fn __kind(self) -> OtherKind;
    }

    impl<T> AsOther for Probe<T> {
        fn __kind(self) -> OtherKind {
            OtherKind
        }
    }

    pub struct FutureKind;

    impl FutureKind {
        pub fn bind<S: Enter, F: Future>(
            self,
            capture: impl FnOnce() -> S,
            future: F,
        ) -> S::Scoped<F> {
            capture().scope(future)
        }
    }

    pub struct ClosureKind;

    impl ClosureKind {
        pub fn bind<S: Enter, F: FnOnce() -> R, R>(
            self,
            capture: impl FnOnce() -> S,
            f: F,
        ) -> impl FnOnce() -> R {
            let mut contexts = capture();
            move || contexts.enter(f)
        }
    }

    pub struct OtherKind;

    impl OtherKind {
        pub fn bind<S, T>(self, _: impl FnOnce() -> S, value: T) -> T {
            value
        }
    }
}
