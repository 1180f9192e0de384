//! Work that runs later or elsewhere, inside the contexts set where it was created: [`Snapshot`]
//! (capture, then enter anywhere), [`InContext`] and [`ContextExt`] (a future or stream that
//! keeps them), and the spawn helpers, which are what `#[with_context]` does at a spawn call, as
//! functions.

mod in_context;
mod snapshot;

use std::future::Future;

use tokio::task::JoinHandle;

pub use in_context::{ContextExt, InContext};
pub use snapshot::Snapshot;

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
