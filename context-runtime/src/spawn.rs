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
    use super::{Future, InContext, Snapshot};

    /// The argument of a call that always takes a future (`tokio::spawn`, `spawn_local`, ...).
    pub fn future<F: Future>(snapshot: Snapshot, future: F) -> InContext<F> {
        snapshot.scope(future)
    }

    /// The argument of a call that always takes a closure (`spawn_blocking`, `thread::spawn`, ...).
    pub fn closure<F: FnOnce() -> R, R>(snapshot: Snapshot, f: F) -> impl FnOnce() -> R {
        snapshot.bind(f)
    }

    /// The argument of a call that takes a future or a closure depending on the receiver
    /// (`.spawn(..)` of a `JoinSet`, a runtime `Handle` or a `thread::Builder`, bare `spawn(..)`).
    /// The generated code calls `(&&Either::new(..)).__bind()`: method resolution picks
    /// [`AsFuture`] when the argument is a future, and falls back to [`AsClosure`] otherwise.
    pub struct Either<T> {
        parts: std::cell::Cell<Option<(Snapshot, T)>>,
    }

    impl<T> Either<T> {
        pub fn new(snapshot: Snapshot, value: T) -> Self {
            Self {
                parts: std::cell::Cell::new(Some((snapshot, value))),
            }
        }

        fn take(&self) -> (Snapshot, T) {
            match self.parts.take() {
                Some(parts) => parts,
                None => unreachable!("the generated code binds each argument once"),
            }
        }
    }

    /// Chosen first, when the argument is a future.
    pub trait AsFuture<F> {
        fn __bind(&self) -> InContext<F>;
    }

    impl<F: Future> AsFuture<F> for &Either<F> {
        fn __bind(&self) -> InContext<F> {
            let (snapshot, future) = self.take();
            snapshot.scope(future)
        }
    }

    /// Chosen otherwise: the argument is a closure.
    pub trait AsClosure<F, R> {
        fn __bind(&self) -> impl FnOnce() -> R;
    }

    impl<F: FnOnce() -> R, R> AsClosure<F, R> for Either<F> {
        fn __bind(&self) -> impl FnOnce() -> R {
            let (snapshot, f) = self.take();
            snapshot.bind(f)
        }
    }
}
