//! What `#[derive(RequestContext)]` generates, shown on an example: this module exists in the
//! documentation only (as bitflags' `example_generated`), so every generated item can be read
//! with its doc comment.
//!
//! [`ExampleCtx`] is declared as below; everything else on this page, and every inherent
//! function on `ExampleCtx`, comes from the derive:
//!
//! ```
//! use context_runtime::RequestContext;
//!
//! /// Facts about one request, set once at the edge.
//! #[derive(RequestContext)]
//! pub struct ExampleCtx {
//!     /// The request's id: on every log line, and sent on to the next service.
//!     #[context(log, propagate)]
//!     request_id: String,
//!     /// The tenant the request acts for, sent on to the next service.
//!     #[context(propagate)]
//!     tenant: u64,
//!     /// The signed-in user, when there is one.
//!     #[context(log)]
//!     user: Option<String>,
//!     /// Which attempt of a retried job this is.
//!     #[context(propagate, default = 1)]
//!     attempt: u32,
//!     /// The caller's token: never logged, never sent, `<redacted>` in `Debug`.
//!     #[context(sensitive)]
//!     token: String,
//! }
//! ```
//!
//! - On the context: `ExampleCtx::builder()`; one getter per field (`&T`, or `Option<&T>` for an
//!   `Option` field); `extract` / `from_baggage` (the builder from a carrier, when a field is
//!   `#[context(propagate)]`) and `inject` / `write_baggage`; the reads `with`, `try_with`,
//!   `current`, `try_current` and the scopes `scope`, `sync_scope`, the same as the
//!   [`RequestContext`] trait's but callable without importing it; a
//!   `Debug` that prints sensitive fields as `<redacted>`.
//! - [`ExampleCtxBuilder`]: one method per field (`maybe_user` for the `Option` field), then
//!   `build()`. Its type parameters are the fields' states ([`crate::builder`]), each defaulting
//!   to `Unset`: `ExampleCtxBuilder` alone is the fresh builder.
//! - [`ExampleCtxExtractedBuilder`]: what `extract` returns, to name it in a helper's signature.
//!
//! Hidden: the task-local holding the current value, and the traits that check each field's
//! state (their messages name the field: "missing required field `tenant`", "the field `tenant`
//! is set twice", "the field `tenant` was already set by `extract`").

use crate::RequestContext;

/// Facts about one request, set once at the edge.
#[derive(RequestContext)]
#[context(crate = crate)]
pub struct ExampleCtx {
    /// The request's id: on every log line, and sent on to the next service.
    #[context(log, propagate)]
    request_id: String,
    /// The tenant the request acts for, sent on to the next service.
    #[context(propagate)]
    tenant: u64,
    /// The signed-in user, when there is one.
    #[context(log)]
    user: Option<String>,
    /// Which attempt of a retried job this is.
    #[context(propagate, default = 1)]
    attempt: u32,
    /// The caller's token: never logged, never sent, `<redacted>` in `Debug`.
    #[context(sensitive)]
    token: String,
}
