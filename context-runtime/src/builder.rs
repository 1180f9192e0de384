//! The states of a generated builder's fields, for naming a builder that is partly built.
//!
//! `#[derive(RequestContext)]` on `RequestCtx` generates `RequestCtxBuilder`, with one type
//! parameter per field, in field order. A parameter is [`Unset`] until the field's setter is
//! called and [`Set`] afterwards; `RequestCtx::extract` returns its `#[context(propagate)]`
//! fields as [`Extracted`] (or [`Defaulted`] for a field with a default). Every parameter
//! defaults to [`Unset`], so `RequestCtxBuilder` alone is the fresh builder, and
//! `RequestCtxExtractedBuilder` names what `extract` returns.
//!
//! The states are types only, never values: the builder keeps the values themselves, so setting
//! a field moves the same few bytes whatever the number of fields.
//!
//! You name these states only to write a helper that takes or returns a builder half-way through:
//! the compiler checks the rest (a required field left unset, or a field set twice, is a compile
//! error naming it).
//!
//! ```
//! use context_runtime::RequestContext;
//! use context_runtime::builder::Set;
//!
//! #[derive(RequestContext)]
//! pub struct RequestCtx {
//!     request_id: String,
//!     tenant: u64,
//! }
//!
//! /// Every context of this service starts with the same tenant.
//! fn for_tenant_one() -> RequestCtxBuilder<context_runtime::builder::Unset, Set<u64>> {
//!     RequestCtx::builder().tenant(1)
//! }
//!
//! let ctx = for_tenant_one().request_id("r-1".into()).build();
//! assert_eq!(*ctx.tenant(), 1);
//! ```

use std::marker::PhantomData;

/// A field whose setter has not been called. Every builder parameter defaults to it.
///
/// ```
/// # use context_runtime::RequestContext;
/// # #[derive(RequestContext)] pub struct Ctx { tenant: u64 }
/// // The two spellings name the same type:
/// let fresh: CtxBuilder<context_runtime::builder::Unset> = Ctx::builder();
/// let _: CtxBuilder = fresh;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Unset;

/// A field set by its setter.
///
/// ```
/// # use context_runtime::RequestContext;
/// use context_runtime::builder::Set;
/// # #[derive(RequestContext)] pub struct Ctx { tenant: u64 }
/// let half: CtxBuilder<Set<u64>> = Ctx::builder().tenant(7);
/// assert_eq!(*half.build().tenant(), 7);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Set<T>(PhantomData<fn() -> T>);

/// A `#[context(propagate)]` field read from a carrier by `extract` (an `Option` field is `None`
/// when the carrier did not have it). It cannot be set again.
///
/// ```
/// # use context_runtime::RequestContext;
/// use context_runtime::builder::{Extracted, Unset};
/// # #[derive(RequestContext)]
/// # pub struct Ctx {
/// #     #[context(propagate)]
/// #     tenant: u64,
/// #     user: String,
/// # }
/// let headers = http::HeaderMap::from_iter([(
///     http::header::HeaderName::from_static("baggage"),
///     http::HeaderValue::from_static("tenant=7"),
/// )]);
/// let extracted: CtxBuilder<Extracted<u64>, Unset> = Ctx::extract(&headers)?;
/// // The same type, by the alias the derive generates:
/// let extracted: CtxExtractedBuilder = extracted;
/// assert_eq!(*extracted.user("ada".into()).build().tenant(), 7);
/// # Ok::<(), context_runtime::CarrierError>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Extracted<T>(PhantomData<fn() -> T>);

/// A `#[context(propagate)]` field with a `#[context(default)]`, read from a carrier by
/// `extract`: the carrier's value, or the default when it had none (applied by `build`). It
/// cannot be set again.
///
/// ```
/// # use context_runtime::RequestContext;
/// use context_runtime::builder::Defaulted;
/// # #[derive(RequestContext)]
/// # pub struct Ctx {
/// #     #[context(propagate, default = 3)]
/// #     attempt: u32,
/// # }
/// let empty = http::HeaderMap::new();
/// let extracted: CtxBuilder<Defaulted<u32>> = Ctx::extract(&empty)?;
/// assert_eq!(*extracted.build().attempt(), 3);
/// # Ok::<(), context_runtime::CarrierError>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Defaulted<T>(PhantomData<fn() -> T>);
