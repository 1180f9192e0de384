//! The [`RequestContext`] trait: everything a derived context can do, as provided methods over one
//! generated storage hook, and [`Sealed`], which keeps it to derived types.

use std::fmt;
use std::future::Future;

use tokio::task::LocalKey;

use super::{Current, LogValue, Scoped};

/// A request-scoped, ambient, set-once, read-only context.
///
/// Implemented by `#[derive(RequestContext)]`, which generates the one required item (a hidden
/// per-type tokio task-local) plus the builder and getters; every method here is ordinary Rust
/// over that storage. The trait is sealed: only the derive implements it, so every context has
/// passed the derive's checks (private fields, no interior mutability, `Send + Sync`).
///
/// A value is built once with the generated builder, then entered with [`scope`](Self::scope)
/// (async) or [`sync_scope`](Self::sync_scope) (blocking code). Inside, code at any depth reads it
/// with [`with`](Self::with) / [`current`](Self::current), and sees `&Self` only: it cannot change.
///
/// ```
/// use context_runtime::RequestContext;
///
/// #[derive(RequestContext)]
/// struct RequestCtx {
///     request_id: String,
///     user: Option<String>,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let ctx = RequestCtx::builder().request_id("r-1".to_owned()).build();
/// ctx.scope(async {
///     // four layers down, no parameter:
///     assert_eq!(RequestCtx::with(|c| c.request_id().clone()), "r-1");
///     assert!(RequestCtx::current().user().is_none());
/// })
/// .await;
/// assert!(RequestCtx::try_current().is_none());
/// # }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a request context",
    label = "not a request context",
    note = "request contexts are the structs that `#[derive(RequestContext)]`"
)]
pub trait RequestContext: Sealed + Sized + Send + Sync + 'static {
    /// The task-local that holds the current value of this type. Generated; not part of the API.
    #[doc(hidden)]
    fn __storage() -> &'static LocalKey<Current<Self>>;

    /// Whether the type is sealed (`#[context(sealed)]`): a value cannot be scoped where another
    /// one is set. Generated; not part of the API.
    #[doc(hidden)]
    const __SEALED: bool = false;

    /// The value `scope` and `sync_scope` enter: `self`, but a runtime type may refuse to loosen
    /// what is already set ([`Deadline`](crate::Deadline) keeps the earlier deadline). Not part
    /// of the API.
    #[doc(hidden)]
    #[inline]
    #[must_use]
    fn __entering(self) -> Self {
        self
    }

    /// Visits the `#[context(log)]` fields. Generated when there are some; not part of the API.
    #[doc(hidden)]
    fn __log_fields(&self, visit: &mut dyn FnMut(&'static str, LogValue<'_>)) {
        let _ = visit;
    }

    /// Visits the `#[context(propagate)]` fields (`None` for an `Option` field that is `None`).
    /// Generated when there are some; not part of the API.
    #[doc(hidden)]
    fn __propagate(&self, visit: &mut dyn FnMut(&'static str, Option<&dyn fmt::Display>)) {
        let _ = visit;
    }

    /// Runs `fut` with `self` as the current context of this type: every poll of `fut` sees it.
    ///
    /// Scopes nest: an inner scope of the same type shadows the outer one until it completes, is
    /// dropped, or panics, and the outer value is back afterwards; except for a sealed type
    /// (`#[context(sealed)]`), whose scope panics where another value of it is set. Scopes of
    /// different types are independent. The value is not inherited by tasks `fut` spawns with a
    /// plain `tokio::spawn`.
    ///
    /// ```
    /// # use context_runtime::RequestContext;
    /// # #[derive(RequestContext)] struct Ctx { tenant: u64 }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let tenant = Ctx::builder().tenant(7).build().scope(async { *Ctx::current().tenant() }).await;
    /// assert_eq!(tenant, 7);
    /// # }
    /// ```
    fn scope<F: Future>(self, fut: F) -> Scoped<Self, F> {
        Current::new(self.__entering()).scope(fut)
    }

    /// Runs the closure `f` with `self` as the current context of this type, for blocking code
    /// (a `spawn_blocking` closure, a thread, a synchronous entry point).
    ///
    /// ```
    /// # use context_runtime::RequestContext;
    /// # #[derive(RequestContext)] struct Ctx { tenant: u64 }
    /// let doubled = Ctx::builder().tenant(21).build().sync_scope(|| Ctx::with(|c| c.tenant() * 2));
    /// assert_eq!(doubled, 42);
    /// ```
    fn sync_scope<R>(self, f: impl FnOnce() -> R) -> R {
        Current::new(self.__entering()).sync_scope(f)
    }

    /// A shared, read-only handle to the current context of this type.
    ///
    /// Cloning it costs one reference-count increment; it keeps the value alive after the scope
    /// ends, and can re-enter it elsewhere with [`Current::scope`].
    ///
    /// # Panics
    ///
    /// Outside any scope of this type, with a message saying how to set one. Use
    /// [`try_current`](Self::try_current) where a miss is expected.
    ///
    /// ```
    /// # use context_runtime::RequestContext;
    /// # #[derive(RequestContext)] struct Ctx { tenant: u64 }
    /// Ctx::builder().tenant(7).build().sync_scope(|| {
    ///     let ctx = Ctx::current();
    ///     assert_eq!(*ctx.tenant(), 7);
    /// });
    /// ```
    #[track_caller]
    fn current() -> Current<Self> {
        match Self::try_current() {
            Some(current) => current,
            None => not_set::<Self>(),
        }
    }

    /// Like [`current`](Self::current), but `None` outside any scope of this type.
    ///
    /// ```
    /// # use context_runtime::RequestContext;
    /// # #[derive(RequestContext)] struct Ctx { tenant: u64 }
    /// assert!(Ctx::try_current().is_none());
    /// ```
    fn try_current() -> Option<Current<Self>> {
        Self::__storage().try_with(Current::clone).ok()
    }

    /// Calls `f` with a shared borrow of the current context of this type: the cheapest read,
    /// no reference count touched.
    ///
    /// `f` is handed the value's [`Current`] handle, which dereferences to `&Self`: getters and
    /// method calls read through it unchanged (`|c| *c.tenant()`), and a function taking `&Self`
    /// is called as `|c| read(c)`. (Handing `&Self` itself would put a conversion between the
    /// task-local and `f` that the optimizer does not see through: 23 instructions per read
    /// instead of the raw task-local's 19.) [`Current::clone`] on it keeps the value beyond `f`.
    ///
    /// # Panics
    ///
    /// Outside any scope of this type, with a message saying how to set one. Use
    /// [`try_with`](Self::try_with) where a miss is expected.
    ///
    /// ```
    /// # use context_runtime::RequestContext;
    /// # #[derive(RequestContext)] struct Ctx { tenant: u64 }
    /// let tenant = Ctx::builder().tenant(7).build().sync_scope(|| Ctx::with(|c| *c.tenant()));
    /// assert_eq!(tenant, 7);
    /// ```
    #[track_caller]
    fn with<R>(f: impl FnOnce(&Current<Self>) -> R) -> R {
        match Self::__storage().try_with(f) {
            Ok(value) => value,
            Err(_) => not_set::<Self>(),
        }
    }

    /// Like [`with`](Self::with) (`f` is handed the [`Current`] handle too), but `None` outside
    /// any scope of this type.
    ///
    /// ```
    /// # use context_runtime::RequestContext;
    /// # #[derive(RequestContext)] struct Ctx { tenant: u64 }
    /// assert_eq!(Ctx::try_with(|c| *c.tenant()), None);
    /// ```
    fn try_with<R>(f: impl FnOnce(&Current<Self>) -> R) -> Option<R> {
        Self::__storage().try_with(f).ok()
    }
}

/// The seal of [`RequestContext`]: `#[derive(RequestContext)]` implements it beside the trait, after
/// its checks. Not public API (reached through `__private`); a hand-written impl of
/// `RequestContext` stops here, with this advice.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a request context: `RequestContext` is only implemented by its derive",
    label = "not derived",
    note = "write `#[derive(RequestContext)]` on the struct: the derive checks that a context is \
            frozen (private fields, no interior mutability, `Send + Sync`) before it implements the trait"
)]
pub trait Sealed {}

/// The panic of `with` / `current` outside a scope: names the type and the two usual causes, a
/// scope missing at the edge and a spawn that did not carry the context.
#[cold]
#[track_caller]
fn not_set<T>() -> ! {
    let name = short_type_name::<T>();
    panic!(
        "no {name} is set on this task: enter one with `{name}::scope` (or `sync_scope` for \
         blocking code) where the request starts; in spawned work, put `#[with_context]` on the \
         function that spawns, or spawn with `context_runtime::spawn`; use \
         `try_with`/`try_current` where a miss is expected (background jobs, startup)"
    )
}

/// `my_app::ctx::RequestCtx` → `RequestCtx` (derived contexts are never generic).
pub(crate) fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}
