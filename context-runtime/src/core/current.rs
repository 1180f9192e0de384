//! [`Current`]: the shared, read-only handle to a context value.

use std::fmt;
use std::future::{Future, poll_fn};
use std::ops::Deref;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use tokio::task::LocalKey;

use super::{RequestContext, Scoped, registry, short_type_name};

/// A shared, read-only handle to a context value, returned by
/// [`RequestContext::current`].
///
/// It dereferences to `&T` and nothing else: there is no `DerefMut`, no `get_mut`, and no way to
/// take the owned `T` back out. Cloning it is one reference-count increment; every clone points at
/// the same frozen value.
///
/// ```
/// use context_runtime::{Current, RequestContext};
///
/// #[derive(RequestContext)]
/// struct Ctx { tenant: u64 }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let ctx = Ctx::builder().tenant(7).build().scope(async { Ctx::current() }).await;
/// // The handle outlives the scope it came from and can re-enter the value elsewhere:
/// let copy = ctx.clone();
/// assert!(Current::ptr_eq(&ctx, &copy));
/// assert_eq!(copy.scope(async { *Ctx::current().tenant() }).await, 7);
/// # }
/// ```
pub struct Current<T>(Arc<T>);

impl<T> Current<T> {
    /// How a value becomes current-able, once per value: where its type is made known to the
    /// registry, so re-entering a handle (every spawn) does not pay for it. (The runtime's own
    /// `Inbound`, made on every request, registers once per process instead.)
    pub(crate) fn new(value: T) -> Self
    where
        T: RequestContext,
    {
        registry::register::<T>();
        Self(Arc::new(value))
    }

    pub(crate) fn from_arc(value: Arc<T>) -> Self {
        Self(value)
    }

    pub(crate) fn into_arc(self) -> Arc<T> {
        self.0
    }

    /// The value's address: what tells two values of a sealed type apart.
    pub(crate) fn addr(this: &Self) -> usize {
        Arc::as_ptr(&this.0).addr()
    }

    /// Whether two handles point at the same context value (not merely equal ones).
    ///
    /// ```
    /// # use context_runtime::{Current, RequestContext};
    /// # #[derive(RequestContext)] struct Ctx { tenant: u64 }
    /// Ctx::builder().tenant(1).build().sync_scope(|| {
    ///     assert!(Current::ptr_eq(&Ctx::current(), &Ctx::current()));
    /// });
    /// ```
    pub fn ptr_eq(this: &Self, other: &Self) -> bool {
        Arc::ptr_eq(&this.0, &other.0)
    }

    /// Runs `f` with this value set in `key` (its type's task-local), and hands the value back:
    /// the way in for captured values, which are entered again at every poll ([`Snapshot`]s and
    /// the typed captures of `#[with_context(T)]`).
    ///
    /// tokio's public API can enter a task-local and give the value back without touching its
    /// reference count only through a `TaskLocalFuture`: build one around `f`, poll it once (it
    /// completes at once) and take the value back out. If `f` panics, tokio restores the previous
    /// value while unwinding, and the value is dropped.
    ///
    /// [`Snapshot`]: crate::Snapshot
    ///
    /// A `sealed` type's value must not shadow another one ([`refuse_shadowing`]).
    #[inline]
    pub(crate) fn enter_mut(
        self,
        key: &'static LocalKey<Self>,
        sealed: bool,
        f: &mut dyn FnMut(),
    ) -> Option<Self>
    where
        T: 'static,
    {
        if sealed {
            refuse_shadowing(key, Self::addr(&self));
        }
        let mut scoped = pin!(key.scope(
            self,
            poll_fn(|_| {
                f();
                Poll::Ready(())
            })
        ));
        let _ = scoped
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()));
        scoped.take_value()
    }
}

impl<T: RequestContext> Current<T> {
    /// Runs `fut` with this value as the current context of its type (see
    /// [`RequestContext::scope`]). This is how to carry a context into work by hand:
    ///
    /// ```
    /// # use context_runtime::RequestContext;
    /// # #[derive(RequestContext)] struct Ctx { tenant: u64 }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// Ctx::builder().tenant(7).build().scope(async {
    ///     let child = tokio::spawn(Ctx::current().scope(async { *Ctx::current().tenant() }));
    ///     assert_eq!(child.await.unwrap(), 7);
    /// })
    /// .await;
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// When polled where another value of a sealed type (`#[context(sealed)]`) is set.
    pub fn scope<F: Future>(self, fut: F) -> Scoped<T, F> {
        Scoped::new(T::__storage(), self, fut, T::__SEALED)
    }

    /// Runs `f` with this value as the current context of its type (see
    /// [`RequestContext::sync_scope`]).
    ///
    /// ```
    /// # use context_runtime::RequestContext;
    /// # #[derive(RequestContext)] struct Ctx { tenant: u64 }
    /// let ctx = Ctx::builder().tenant(7).build().sync_scope(Ctx::current);
    /// let tenant = ctx.sync_scope(|| Ctx::with(|c| *c.tenant()));
    /// assert_eq!(tenant, 7);
    /// ```
    ///
    /// # Panics
    ///
    /// Where another value of a sealed type (`#[context(sealed)]`) is set.
    pub fn sync_scope<R>(self, f: impl FnOnce() -> R) -> R {
        if T::__SEALED {
            refuse_shadowing(T::__storage(), Self::addr(&self));
        }
        T::__storage().sync_scope(self, f)
    }
}

impl<T> Clone for Current<T> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<T> Deref for Current<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> AsRef<T> for Current<T> {
    fn as_ref(&self) -> &T {
        &self.0
    }
}

/// Formats the value itself (sensitive fields stay redacted).
impl<T: fmt::Debug> fmt::Debug for Current<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

/// Refuses to enter the value at address `entering` of a sealed type where another value of the
/// type is set: a sealed context is set once per request and cannot be shadowed below. The same
/// value again (what spawned work and snapshots enter) is fine.
#[inline]
pub(crate) fn refuse_shadowing<T: 'static>(key: &'static LocalKey<Current<T>>, entering: usize) {
    if key
        .try_with(|set| Current::addr(set) != entering)
        .unwrap_or(false)
    {
        shadowed::<T>();
    }
}

#[cold]
#[track_caller]
fn shadowed<T>() -> ! {
    let name = short_type_name::<T>();
    panic!(
        "a {name} is already set here, and {name} is sealed (`#[context(sealed)]`): another \
         {name} cannot be scoped inside it. A sealed context is built once, where the request \
         starts, and code below only reads it; work for another {name} belongs in its own \
         request or job, outside this one"
    )
}

/// Calls `f` through `call`, which must run what it is given exactly once (entering a context
/// around it): the bridge from a generic `FnOnce` to the `&mut dyn FnMut()` that the type-erased
/// entering takes, so that it is compiled once, not per closure type.
#[inline]
pub(crate) fn run_once<R>(f: impl FnOnce() -> R, call: impl FnOnce(&mut dyn FnMut())) -> R {
    let mut f = Some(f);
    let mut result = None;
    call(&mut || result = f.take().map(|f| f()));
    match result {
        Some(result) => result,
        None => unreachable!("a context is entered around its closure exactly once"),
    }
}
