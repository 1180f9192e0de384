//! Request context for tokio services: request-scoped, ambient, **small, set once, read-only**.
//!
//! The request id, user, tenant and trace id are known at the edge of a service and needed four
//! layers deep. Passing them down as parameters couples every layer to data it only forwards.
//! This crate lets the edge set them once and any code running on behalf of the request read
//! them, without a parameter and without a way to change them.
//!
//! ```
//! use context_runtime::RequestContext;
//!
//! /// Facts about one request, set once at the edge.
//! #[derive(RequestContext)]
//! pub struct RequestCtx {
//!     request_id: String,
//!     tenant: u64,
//!     user: Option<String>,          // may be left unset
//!     #[context(sensitive)]
//!     token: String,                 // never printed by Debug
//! }
//!
//! async fn handler() -> String { service().await }
//! async fn service() -> String { repository().await }
//! async fn repository() -> String {
//!     // four layers deep, no parameter:
//!     RequestCtx::with(|c| format!("tenant {} for {}", c.tenant(), c.request_id()))
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let ctx = RequestCtx::builder()
//!     .request_id("r-1".into())
//!     .tenant(7)
//!     .token("t".into())
//!     .build();
//! assert_eq!(ctx.scope(handler()).await, "tenant 7 for r-1");
//! assert!(RequestCtx::try_current().is_none()); // outside any scope: None, no panic
//! # }
//! ```
//!
//! # What the derive generates
//!
//! `#[derive(RequestContext)]` on a struct with named, private fields generates:
//!
//! - a **typed builder**: `T::builder()`, one setter per field, `.build()`. Leaving a required
//!   field unset, or setting one twice, is a compile error naming the field. `Option<_>` fields
//!   (which also get a `maybe_<field>(Option<_>)` setter) and fields marked `#[context(default)]`
//!   or `#[context(default = expr)]` may be left unset.
//! - **one getter per field**, named after it, returning `&T` (`Option<&T>` for `Option<T>`).
//!   There are no setters and no `&mut` access of any kind.
//! - a hidden **tokio task-local** holding a [`Current`] (a shared pointer to the frozen value),
//!   and the impl of [`RequestContext`], whose provided methods do the rest: `scope`,
//!   `sync_scope`, `current`, `try_current`, `with`, `try_with`.
//! - a `Debug` impl that prints `#[context(sensitive)]` fields as [`REDACTED`] (so every other
//!   field's type must implement `Debug`; do not also `#[derive(Debug)]`).
//!
//! It refuses, at compile time: `pub` fields, field types with interior mutability or shared
//! handles (`Cell`, `RefCell`, `Mutex`, `RwLock`, `Once*`, `Lazy*`, `Atomic*`, channels, ... at
//! any depth), field types that are not `Send + Sync + 'static`, field names that would clash
//! with the generated API (`builder`, `build`, `scope`, `with`, ...), enums, unions, tuple structs
//! and generic structs.
//!
//! Two limits of a derive: the interior-mutability check reads the type as written, so a type
//! alias, or a struct of your own wrapping a `Mutex`, is not seen through (a type of your own
//! that is merely *named* `Cell` is accepted when written with its path, `geo::Cell`); and Rust
//! privacy lets code in the module that defines the context touch its fields, so declare the
//! context in a module of its own.
//!
//! # Field attributes
//!
//! | attribute | meaning |
//! |---|---|
//! | `#[context(default)]` | may be left unset in the builder; `Default::default()` then |
//! | `#[context(default = expr)]` | may be left unset; `expr` then |
//! | `#[context(sensitive)]` | printed as [`REDACTED`] by `Debug`; never logged nor propagated |
//! | `#[context(log)]` | the field goes on every log line emitted inside the context ([`ToLogValue`]) |
//! | `#[context(propagate)]` | the field crosses process boundaries, in a carrier's W3C `baggage` ([`Propagate`]) |
//!
//! On the struct, `#[context(crate = path)]` names this crate when it is re-exported under
//! another path.
//!
//! # Logging
//!
//! With the `tracing` feature, wrap your event format in [`LogContext`] and every event emitted
//! inside a context (spawned work included) carries its `#[context(log)]` fields: leading a text
//! line, or as top-level keys of a JSON line. For any other logger, [`log_fields`] visits the
//! same fields.
//!
//! # The HTTP edge
//!
//! With the `http` feature, [`ContextLayer`] (a tower layer for axum, hyper or tonic) builds the
//! context from each request, or refuses the request before any handler runs, and runs the inner
//! service inside it; [`RequestId`] takes a valid incoming `x-request-id` or generates a UUID v7,
//! and the layer echoes it on the response.
//!
//! # Crossing process boundaries
//!
//! A task-local ends with the process. To continue a request in a job worker or the next
//! service, copy the facts it needs into the message, as W3C Baggage (the standard OpenTelemetry
//! propagates): only fields marked `#[context(propagate)]` go, and a `sensitive` field cannot be
//! marked so. The generated `ctx.inject(&mut carrier)` writes them into any [`Carrier`] (a `HashMap`, HTTP
//! headers); the generated `T::extract(&carrier)` reads them back as **the builder with those
//! fields already set**, so the receiver supplies the rest (checked at compile time, as ever),
//! or a [`CarrierError`] saying which field was missing or unparsable.
//!
//! ```
//! use std::collections::HashMap;
//! use context_runtime::RequestContext;
//!
//! #[derive(RequestContext)]
//! struct RequestCtx {
//!     #[context(propagate)] request_id: String,
//!     #[context(propagate)] tenant: u64,
//!     #[context(sensitive)] token: String,
//! }
//!
//! // the request handler, enqueuing a job:
//! let ctx = RequestCtx::builder().request_id("r-1".into()).tenant(7).token("s3cr3t".into()).build();
//! let mut job_headers = HashMap::new();
//! ctx.inject(&mut job_headers).unwrap();
//! assert_eq!(job_headers["baggage"], "request_id=r-1,tenant=7");
//!
//! // the worker: the token is not in the carrier, so the builder still needs it
//! let ctx = RequestCtx::extract(&job_headers).unwrap().token("worker".into()).build();
//! assert_eq!((ctx.request_id().as_str(), *ctx.tenant()), ("r-1", 7));
//! ```
//!
//! Over HTTP (feature `http`), [`PropagateLayer`] on the client sends the propagated fields of
//! every context set at the call ([`inject_current`]), and [`ContextLayer`] with
//! `T::extract(&head.headers)` receives them. With the `opentelemetry` feature,
//! [`ContextPropagator`] does the same as an OpenTelemetry `TextMapPropagator`, next to
//! `traceparent`. Baggage entries of other producers are kept, for forwarding: parse them with
//! [`Baggage::extract`], build with `T::from_baggage`, and inject the [`Baggage`] before the
//! context into the outgoing carrier.
//!
//! # Spawned work
//!
//! A tokio task-local is not inherited by spawned tasks. Put [`#[with_context]`](with_context)
//! on the functions that spawn, and every spawn call in them carries the contexts set at the
//! call. By hand: [`Snapshot`] captures the current contexts and runs a future, a stream or a
//! closure inside them later; [`spawn`], [`spawn_blocking`], [`spawn_local`] and
//! [`spawn_thread`] spawn with them; [`ContextExt::in_current_context`] wraps a future or a
//! stream.

#![forbid(unsafe_code)]

mod carrier;
mod core;
#[cfg(feature = "http")]
mod http;
mod log;
mod spawn;

#[cfg(feature = "opentelemetry")]
pub use crate::carrier::ContextPropagator;
pub use crate::carrier::{BAGGAGE, Baggage, Carrier, CarrierError, Propagate, inject_current};
pub use crate::core::{Current, LogValue, RequestContext, Scoped};
#[cfg(feature = "http")]
pub use crate::http::{
    BoxError, ContextFuture, ContextLayer, ContextService, InvalidRequestId, PropagateFuture,
    PropagateLayer, PropagateService, Refusal, RequestId, X_REQUEST_ID,
};
#[cfg(feature = "tracing")]
pub use crate::log::LogContext;
pub use crate::log::{REDACTED, ToLogValue, log_fields};
pub use crate::spawn::{
    ContextExt, InContext, Snapshot, spawn, spawn_blocking, spawn_local, spawn_thread,
};

/// Derives a frozen request context: builder, getters, `Debug`, task-local storage and
/// [`RequestContext`](trait@RequestContext). See the [crate documentation](crate).
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

// Used by generated code. Not public API: no semver guarantees (as serde's `__private`).
#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;
