//! Everything generated code uses, reached as `::context_runtime::__private` (as serde's
//! `__private`): the builders' type states, the bind of `#[with_context]`, the carriers' codecs,
//! and re-exports of the public items the expansion names. Not public API: no semver guarantees,
//! which is why the facade pins the macro crate to its exact version.

pub mod bind;
mod builder;
mod codec;
mod enter;

pub use builder::{IsUnset, Maybe, NotExtracted, Optional, Required, Set, Unset};
pub use codec::{Codec, NothingToExtract, codec, optional, received, required};
pub use enter::{Captured, Enter, MaybeScoped};
pub use tokio::task::LocalKey;
pub use tokio::task_local;

pub use crate::carrier::{inject, write_baggage};
pub use crate::core::Sealed;
pub use crate::log::Redacted;
pub use crate::{Baggage, Carrier, CarrierError, Current, RequestContext, Snapshot};
pub use crate::{LogValue, ToLogValue};

/// Refuses, at the field's type, a context field that could not live in a task-local shared
/// across threads.
pub const fn assert_field<T: Send + Sync + 'static>() {}
