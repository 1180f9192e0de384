//! Which context types exist, so a [`Snapshot`](crate::Snapshot) can capture "every context set
//! here" without naming them.
//!
//! A type registers when its first value is put behind a [`Current`](crate::Current) (which
//! every `scope` and `sync_scope` of a value does, before entering it), so a type never entered
//! cannot be set and need not be captured.
//!
//! Registrations are rare (once per context type per process) and reads happen on every spawn.
//! So the list is immutable: each registration publishes a new, leaked `&'static` list (the
//! memory is bounded by the number of context types squared, a few hundred bytes), and readers
//! keep a per-thread copy of the reference, refreshed when a global generation counter moves.
//! The hot path is one atomic load and one thread-local read: no lock, no shared write.

use std::any::TypeId;
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use crate::log_value::LogVisitor;
use crate::snapshot::Entry;
use crate::{Baggage, CarrierError, RequestContext};

/// One context type: its identity, how to capture its current value, how to visit the current
/// value's log fields, and how to write its propagated fields.
#[derive(Clone, Copy)]
pub(crate) struct Registration {
    type_id: TypeId,
    pub(crate) capture: fn() -> Option<Entry>,
    pub(crate) log: fn(&mut LogVisitor<'_>),
    pub(crate) propagate: fn(&mut Baggage) -> Result<(), CarrierError>,
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

/// Every registered context type.
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

/// Makes `T` known to [`Snapshot::capture`](crate::Snapshot::capture). Cheap when it already is.
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
        capture: Entry::capture::<T>,
        log: log_fields_of::<T>,
        propagate: propagate_of::<T>,
    });
    *latest = Vec::leak(list);
    GENERATION.fetch_add(1, Ordering::Release);
}

fn log_fields_of<T: RequestContext>(visit: &mut LogVisitor<'_>) {
    T::try_with(|current| current.__log_fields(visit));
}

fn propagate_of<T: RequestContext>(baggage: &mut Baggage) -> Result<(), CarrierError> {
    T::try_with(|current| current.write_baggage(baggage)).unwrap_or(Ok(()))
}
