//! The core: the [`RequestContext`] trait, the [`Current`] handle, the [`Scoped`] future, and
//! the registry of context types. It depends on nothing else in this crate; everything else
//! (spawned work, carriers, logging, the HTTP edge) is built on it.

mod context;
mod current;
mod log_value;
pub(crate) mod registry;
mod scope;

pub(crate) use context::short_type_name;
pub use context::{RequestContext, Sealed};
pub use current::Current;
pub(crate) use current::run_once;
pub use log_value::LogValue;
pub use scope::Scoped;
