#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

pub mod builder;
mod carrier;
mod core;
mod deadline;
#[cfg(feature = "http")]
mod http;
mod log;
mod spawn;

#[cfg(feature = "opentelemetry")]
pub use crate::carrier::ContextPropagator;
pub use crate::carrier::{BAGGAGE, Baggage, Carrier, CarrierError, Propagate, inject_current};
#[cfg(feature = "signing")]
pub use crate::carrier::{SigningKeyError, SigningKeys};
pub use crate::core::{Current, LogValue, RequestContext, Scoped};
pub use crate::deadline::{Deadline, DeadlineExceeded, DeadlineScope, Timeout, done, timeout};
#[cfg(feature = "http")]
pub use crate::http::{
    AsRefused, AsyncContextFuture, Awaiting, BoxError, ContextBody, ContextFuture, ContextLayer,
    ContextService, Contexts, Destinations, GrpcCode, InvalidOrigin, InvalidRequestId,
    PropagateFuture, PropagateLayer, PropagateService, Refusal, Refuse, RequestId, RequestIdFuture,
    RequestIdLayer, RequestIdService, X_REQUEST_ID,
};
#[cfg(feature = "axum")]
pub use crate::http::{MissingContext, MissingRequestId};
#[cfg(feature = "tracing")]
pub use crate::log::LogContext;
pub use crate::log::{REDACTED, ToLogValue, log_fields};
pub use crate::spawn::{
    ContextExt, InContext, Snapshot, spawn, spawn_blocking, spawn_local, spawn_thread,
};

/// Derives a frozen request context: builder, getters, `Debug`, task-local storage and
/// [`RequestContext`](trait@RequestContext). See the [crate documentation](crate), which also
/// lists what the derive refuses at compile time: among them interior mutability, handles to
/// shared state, and handles to infrastructure (a database pool or connection, an HTTP client, a
/// socket or file, a task handle), which code takes as an explicit dependency instead.
///
/// ```
/// use context_runtime::RequestContext;
///
/// #[derive(RequestContext)]
/// pub struct Ctx {
///     request_id: String,
///     #[context(default = 1)]
///     attempt: u32,
/// }
///
/// let ctx = Ctx::builder().request_id("r-1".into()).build();
/// assert_eq!(*ctx.attempt(), 1);
/// ```
pub use context_macros::RequestContext;

/// Makes spawned work keep the request context: rewrites the spawn calls in a function (sync or
/// async, free, method or trait-impl function), in every function of an impl block or a trait
/// (default bodies), or in every function of an inline module.
///
/// tokio's task-locals are not inherited by spawned tasks; with this attribute, every spawn call
/// in the body captures the contexts set **at the call** (a [`Snapshot`]) and the spawned work
/// runs inside them: around every poll for tasks, for the whole closure for blocking work and
/// threads. The parent may leave its scope right after spawning; the child keeps what it got.
///
/// - `#[with_context]` carries every context type set at the spawn call;
/// - `#[with_context(RequestCtx, TenantCtx)]` carries exactly those types (a type that does not
///   derive `RequestContext` is a compile error);
/// - `#[with_context(crate = path)]` names this crate when it is re-exported.
///
/// Rewritten calls: `tokio::spawn`, `tokio::task::spawn`, `spawn_blocking`, `spawn_local`,
/// `std::thread::spawn`, bare `spawn(..)` / `spawn_blocking(..)` / `spawn_local(..)`, and the
/// methods `.spawn(..)` (`JoinSet`, `runtime::Handle`, `task::Builder`, `thread::Builder`,
/// `thread::Scope`), `.spawn_blocking(..)`, `.spawn_local(..)`, `.spawn_on(..)`,
/// `.spawn_local_on(..)`, `.spawn_blocking_on(..)` and `.spawn_scoped(..)`. Closures and async
/// blocks in the body are included, and so are the arguments of macros that take expressions
/// (`vec![..]`, `assert!(..)`, `tokio::join!(..)`); nested `fn` items are not (they are other
/// functions), nor are macros with a syntax of their own (`tokio::select!`): use
/// [`ContextExt::in_current_context`] or [`spawn`] there.
///
/// The attribute reads names, not types, so it decides from the argument's type: a future is run
/// inside the captured contexts, a closure without parameters too, and anything else is passed
/// through untouched (a method of your own that merely shares the name `spawn`, rayon's
/// `scope.spawn(|s| ..)`). One case it cannot tell: a method of your own named `spawn` whose
/// parameter is a concrete boxed future or closure (`Pin<Box<dyn Future ..>>`) receives a wrapped
/// value of another type; call it by path there, `Pool::spawn(&pool, job)`, which is not
/// rewritten.
///
/// ```
/// use context_runtime::{RequestContext, with_context};
///
/// #[derive(RequestContext)]
/// struct RequestCtx { request_id: String }
///
/// fn request_id() -> String { RequestCtx::with(|c| c.request_id().clone()) }
///
/// #[with_context]
/// async fn place_order() -> (String, String, String) {
///     let task = tokio::spawn(async { request_id() });
///     let blocking = tokio::task::spawn_blocking(request_id);
///     let thread = std::thread::spawn(request_id);
///     (task.await.unwrap(), blocking.await.unwrap(), thread.join().unwrap())
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let ctx = RequestCtx::builder().request_id("r-1".into()).build();
/// let seen = ctx.scope(place_order()).await;
/// assert_eq!(seen, ("r-1".into(), "r-1".into(), "r-1".into()));
/// # }
/// ```
pub use context_macros::with_context;

// What the derive generates, on an example context: in the documentation only.
#[cfg(any(doc, test))]
pub mod example_generated;

// Used by generated code. Not public API: no semver guarantees (as serde's `__private`).
#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;
