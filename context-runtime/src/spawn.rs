//! Spawning work that keeps the current contexts: what `#[with_context]` does at a spawn call,
//! as functions.

use std::future::Future;

use tokio::task::JoinHandle;

use crate::{InContext, Snapshot};

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
#[doc(hidden)]
pub mod bind {
    use std::marker::PhantomData;

    use super::{Future, InContext, Snapshot};

    /// The argument of a call that always takes a future (`tokio::spawn`, `spawn_local`, ...).
    pub fn future<F: Future>(snapshot: Snapshot, future: F) -> InContext<F> {
        snapshot.scope(future)
    }

    /// The argument of a call that always takes a closure (`spawn_blocking`, `thread::spawn`, ...).
    pub fn closure<F: FnOnce() -> R, R>(snapshot: Snapshot, f: F) -> impl FnOnce() -> R {
        snapshot.bind(f)
    }

    /// Which of the two binds an argument needs, for calls that take a future or a closure
    /// depending on the receiver (`.spawn(..)` of a `JoinSet`, a runtime `Handle` or a
    /// `thread::Builder`, bare `spawn(..)`). The generated code evaluates the argument, then calls
    /// `(&&Probe::of(&arg)).__kind().bind(snapshot, arg)`: method resolution tries [`AsFuture`]
    /// first, then [`AsClosure`], then [`AsNeither`], whose `bind` explains the mistake.
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

    pub trait AsFuture {
        fn __kind(&self) -> FutureKind;
    }

    impl<F: Future> AsFuture for &Probe<F> {
        fn __kind(&self) -> FutureKind {
            FutureKind
        }
    }

    pub trait AsClosure<R> {
        fn __kind(&self) -> ClosureKind;
    }

    impl<F: FnOnce() -> R, R> AsClosure<R> for Probe<F> {
        fn __kind(&self) -> ClosureKind {
            ClosureKind
        }
    }

    pub trait AsNeither<T> {
        fn __kind(self) -> NeitherKind<T>;
    }

    impl<T> AsNeither<T> for Probe<T> {
        fn __kind(self) -> NeitherKind<T> {
            NeitherKind(PhantomData)
        }
    }

    pub struct FutureKind;

    impl FutureKind {
        pub fn bind<F: Future>(self, snapshot: Snapshot, future: F) -> InContext<F> {
            snapshot.scope(future)
        }
    }

    pub struct ClosureKind;

    impl ClosureKind {
        pub fn bind<F: FnOnce() -> R, R>(self, snapshot: Snapshot, f: F) -> impl FnOnce() -> R {
            snapshot.bind(f)
        }
    }

    pub struct NeitherKind<T>(PhantomData<fn() -> T>);

    impl<T> NeitherKind<T> {
        pub fn bind(self, _: Snapshot, value: T) -> T
        where
            T: Spawnable,
        {
            value
        }
    }

    /// Implemented by nothing: reached only when a spawn call's argument is neither a future nor
    /// a closure, to say so.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is neither a future nor a closure, so it cannot be spawned",
        label = "spawn calls take a future (`async {{ .. }}`) or a closure (`|| ..`)"
    )]
    pub trait Spawnable {}
}
