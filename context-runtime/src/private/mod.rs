//! Everything generated code uses, reached as `::context_runtime::__private` (as serde's
//! `__private`): the builders' type states, the bind of `#[with_context]`, the carriers' codecs,
//! and re-exports of the public items the expansion names. Not public API: no semver guarantees,
//! which is why the facade pins the macro crate to its exact version.

pub mod bind;
mod builder;
mod codec;
mod enter;

pub use builder::required_value;
pub use codec::{Codec, NothingToExtract, codec, join, optional, received, required};
pub use enter::{Captured, Enter, MaybeScoped};
pub use tokio::task::LocalKey;
pub use tokio::task_local;

pub use crate::builder::{Defaulted, Extracted, Set, Unset};
pub use crate::carrier::{inject, write_baggage};
pub use crate::core::Sealed;
pub use crate::log::Redacted;
pub use crate::{Baggage, Carrier, CarrierError, Current, RequestContext, Scoped, Snapshot};
pub use crate::{LogValue, ToLogValue};

/// What every field of a context is: a value every task and thread of the request may read.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be shared between the tasks and threads of a request",
    label = "this type, or a type inside it, is not `Send`, not `Sync` or not `'static`",
    note = "a context is read by every task and thread working for the request, so each field must \
            be `Send + Sync + 'static`: store the facts themselves (`String`, `Arc<str>`, an id); \
            a connection, a client or another handle is not a fact about the request, pass it as \
            an explicit dependency (a parameter, axum `State`)"
)]
pub trait ContextField {}

#[diagnostic::do_not_recommend]
impl<T: Send + Sync + 'static> ContextField for T {}

/// Refuses, at the field's type, a context field that could not live in a task-local shared
/// across threads.
pub const fn assert_field<T: ContextField>() {}

/// A context's `Debug`, as the derive writes it: `Name { field: value, .. }`, a
/// `#[context(sensitive)]` field's value given as [`Redacted`]. One call with the fields in a
/// slice, which is less for rustc to check in every context's expansion than a chain of
/// `.field(..)` calls.
pub fn debug_struct(
    f: &mut std::fmt::Formatter<'_>,
    name: &str,
    fields: &[(&str, &dyn std::fmt::Debug)],
) -> std::fmt::Result {
    let mut out = f.debug_struct(name);
    for (name, value) in fields {
        out.field(name, value);
    }
    out.finish()
}
