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
//! | `#[context(log)]` | reserved for the `tracing` integration: the field goes on log lines |
//! | `#[context(propagate)]` | reserved for carriers: the field crosses process boundaries |
//!
//! On the struct, `#[context(crate = path)]` names this crate when it is re-exported under
//! another path.
//!
//! # Spawned work
//!
//! A tokio task-local is not inherited by spawned tasks: carry the context into them by hand
//! with [`RequestContext::current`] and [`Current::scope`].

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

mod builder;
mod context;
mod current;
mod redact;
mod scope;

pub use context::RequestContext;
pub use current::Current;
pub use redact::REDACTED;
pub use scope::Scoped;

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

/// Items used by generated code. Not public API: no semver guarantees.
#[doc(hidden)]
pub mod __private {
    pub use crate::builder::{IsUnset, Optional, Required, Set, Unset};
    pub use crate::redact::Redacted;
    pub use crate::{Current, RequestContext};
    pub use tokio::task::LocalKey;
    pub use tokio::task_local;

    /// Refuses, at the field's type, a context field that could not live in a task-local shared
    /// across threads.
    pub const fn assert_field<T: Send + Sync + 'static>() {}
}
