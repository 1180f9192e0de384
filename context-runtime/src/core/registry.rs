//! Which context types exist, so that code acting on "every context set here" (a
//! [`Snapshot`](crate::Snapshot), a log line, a carrier) can reach them without naming them.
//!
//! The registry keeps one erased accessor per type, an [`Accessor`], and knows nothing of what
//! its users do with a value: they see it as a [`AnyContext`], the object-safe face of a
//! [`RequestContext`], whose methods are the trait's own. A new "for each context, do X" is a
//! caller of [`for_each_current`] (or a method of [`AnyContext`]), never a change here.
//!
//! A type registers when its first value is put behind a [`Current`] (which every `scope` and
//! `sync_scope` of a value does, before entering it), so a type never entered cannot be set and
//! need not be visited.
//!
//! Registrations are rare (once per context type per process) and reads happen on every spawn
//! and log line. So the list is immutable: each registration publishes a new, leaked `&'static`
//! list (the memory is bounded by the number of context types squared, a few hundred bytes), and
//! readers keep a per-thread copy of the reference, refreshed when a global generation counter
//! moves. The hot path is one atomic load and one thread-local read: no lock, no shared write.

use std::any::TypeId;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::{Current, LogValue, RequestContext, short_type_name};

/// A context value without its type: what the registry hands out.
pub(crate) trait AnyContext: Send + Sync + 'static {
    /// The type's name, without its path.
    fn type_name(&self) -> &'static str;

    /// Runs `f` with this value set as the current context of its type, then hands the value
    /// back (`None` only if `f` panicked).
    fn enter(self: Arc<Self>, f: &mut dyn FnMut()) -> Option<Arc<dyn AnyContext>>;

    /// Visits the `#[context(log)]` fields.
    fn log_fields(&self, visit: &mut dyn FnMut(&'static str, LogValue<'_>));

    /// Visits the `#[context(propagate)]` fields.
    fn propagated_fields(&self, visit: &mut dyn FnMut(&'static str, Option<&dyn fmt::Display>));
}

impl<T: RequestContext> AnyContext for T {
    fn type_name(&self) -> &'static str {
        short_type_name::<T>()
    }

    fn enter(self: Arc<Self>, f: &mut dyn FnMut()) -> Option<Arc<dyn AnyContext>> {
        Current::from_arc(self)
            .enter_mut(T::__storage(), T::__SEALED, f)
            .map(|current| current.into_arc() as Arc<dyn AnyContext>)
    }

    fn log_fields(&self, visit: &mut dyn FnMut(&'static str, LogValue<'_>)) {
        self.__log_fields(visit);
    }

    fn propagated_fields(&self, visit: &mut dyn FnMut(&'static str, Option<&dyn fmt::Display>)) {
        self.__propagate(visit);
    }
}

/// How to reach the current value of one context type, without knowing the type.
pub(crate) trait Accessor: Sync {
    /// The current value, shared: one reference-count increment, no allocation.
    fn capture(&self) -> Option<Arc<dyn AnyContext>>;

    /// Calls `f` with the current value, if one is set; no reference count touched.
    fn with(&self, f: &mut dyn FnMut(&dyn AnyContext));
}

/// The [`Accessor`] of `T`.
struct Of<T>(PhantomData<fn() -> T>);

impl<T: RequestContext> Accessor for Of<T> {
    #[inline]
    fn capture(&self) -> Option<Arc<dyn AnyContext>> {
        T::try_current().map(|current| current.into_arc() as Arc<dyn AnyContext>)
    }

    #[inline]
    fn with(&self, f: &mut dyn FnMut(&dyn AnyContext)) {
        T::try_with(|current| f(&**current));
    }
}

/// One registered context type.
#[derive(Clone, Copy)]
pub(crate) struct Registration {
    type_id: TypeId,
    pub(crate) accessor: &'static dyn Accessor,
}

type List = &'static [Registration];

/// The latest list; only replaced, under the lock, by `register`.
static LATEST: Mutex<List> = Mutex::new(&[]);
/// Bumped after every registration; a thread's copy is fresh while its generation matches.
static GENERATION: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static CACHE: Cell<(usize, List)> = const { Cell::new((0, &[])) };
}

fn latest() -> List {
    // The lock only guards a reference swap: a panic cannot leave it half-written.
    *LATEST.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Every registered context type, in the order they were first entered.
#[inline]
pub(crate) fn registrations() -> List {
    let generation = GENERATION.load(Ordering::Acquire);
    match CACHE.try_with(Cell::get) {
        Ok((cached, list)) if cached == generation => list,
        Ok(_) => {
            let list = latest();
            // Tagged with the generation read before the list: at worst refreshed once more.
            let _ = CACHE.try_with(|cache| cache.set((generation, list)));
            list
        }
        // The thread is shutting down and its cache is gone.
        Err(_) => latest(),
    }
}

/// Calls `f` with the current value of every context type set here, in registration order.
pub(crate) fn for_each_current(mut f: impl FnMut(&dyn AnyContext)) {
    for registration in registrations() {
        registration.accessor.with(&mut f);
    }
}

/// Makes `T` known to the registry. Cheap when it already is.
pub(crate) fn register<T: RequestContext>() {
    let type_id = TypeId::of::<T>();
    if registrations().iter().any(|known| known.type_id == type_id) {
        return;
    }
    let mut latest = LATEST.lock().unwrap_or_else(PoisonError::into_inner);
    if latest.iter().any(|known| known.type_id == type_id) {
        return;
    }
    let mut list = latest.to_vec();
    list.push(Registration {
        type_id,
        accessor: &Of::<T>(PhantomData),
    });
    *latest = Vec::leak(list);
    GENERATION.fetch_add(1, Ordering::Release);
}
