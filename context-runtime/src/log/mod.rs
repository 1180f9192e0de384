//! Logging: [`log_fields`] visits the `#[context(log)]` fields of every context set here, for any
//! logger; [`ToLogValue`] says how a field's type is logged; with the `tracing` feature,
//! [`LogContext`] puts them on every `tracing` event. Sensitive fields are never logged, and
//! `Debug` prints them as [`REDACTED`].

#[cfg(feature = "tracing")]
mod json;
mod redact;
#[cfg(feature = "tracing")]
mod tracing;
mod value;

pub use redact::REDACTED;
pub use redact::Redacted;
#[cfg(feature = "tracing")]
pub use tracing::LogContext;
pub use value::ToLogValue;

use crate::LogValue;
use crate::core::registry;

/// Visits the `#[context(log)]` fields of every context set on this task (or thread), in the
/// order the context types were first used, then field order. Sensitive fields are never among
/// them.
///
/// ```
/// use context_runtime::RequestContext;
///
/// #[derive(RequestContext)]
/// struct Ctx {
///     #[context(log)] request_id: String,
///     #[context(log)] user: Option<String>,
///     tenant: u64, // not marked `log`
/// }
///
/// let mut line = Vec::new();
/// Ctx::builder().request_id("r-1".into()).tenant(7).build().sync_scope(|| {
///     context_runtime::log_fields(|name, value| line.push(format!("{name}={value}")));
/// });
/// assert_eq!(line, ["request_id=r-1"]); // `user` is `None`: left off
/// ```
pub fn log_fields(mut visit: impl FnMut(&'static str, LogValue<'_>)) {
    registry::for_each_current(|context| context.log_fields(&mut visit));
}
