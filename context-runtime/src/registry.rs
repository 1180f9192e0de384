//! Which context types exist, so a [`Snapshot`](crate::Snapshot) can capture "every context set
//! here" without naming them.
//!
//! A type registers the first time one of its values is entered (every scope goes through
//! [`Current::scope`](crate::Current::scope) or [`Current::sync_scope`](crate::Current::sync_scope)),
//! so a type never entered cannot be set and need not be captured. Registrations are rare and
//! reads are on every spawn: readers use a per-thread copy of the list, refreshed when a global
//! generation counter moves, so the hot path takes no lock and writes no shared memory.

use std::any::TypeId;
use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use crate::RequestContext;
use crate::snapshot::Entry;

/// One context type: its identity and how to capture its current value.
#[derive(Clone, Copy)]
pub(crate) struct Registration {
    type_id: TypeId,
    pub(crate) capture: fn() -> Option<Entry>,
}

static REGISTRY: Mutex<Vec<Registration>> = Mutex::new(Vec::new());
/// Bumped after every registration; a thread's copy is fresh while its generation matches.
static GENERATION: AtomicUsize = AtomicUsize::new(0);

struct Cache {
    generation: usize,
    registrations: Vec<Registration>,
}

thread_local! {
    static CACHE: RefCell<Cache> = const { RefCell::new(Cache { generation: 0, registrations: Vec::new() }) };
}

fn registry() -> std::sync::MutexGuard<'static, Vec<Registration>> {
    // The list is only ever pushed to; a panic elsewhere cannot leave it half-written.
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Calls `f` with every registered context type.
pub(crate) fn with_registrations<R>(f: impl FnOnce(&[Registration]) -> R) -> R {
    let generation = GENERATION.load(Ordering::Acquire);
    let mut f = Some(f);
    let cached = CACHE.try_with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.generation != generation {
            cache.registrations.clone_from(&registry());
            cache.generation = generation;
        }
        f.take().map(|f| f(&cache.registrations))
    });
    match (cached, f) {
        (Ok(Some(result)), _) => result,
        // The thread is shutting down and its cache is gone: read the list itself.
        (_, Some(f)) => f(&registry()),
        (_, None) => unreachable!("`f` is taken only when it runs"),
    }
}

/// Makes `T` known to [`Snapshot::capture`](crate::Snapshot::capture). Cheap when it already is.
pub(crate) fn register<T: RequestContext>() {
    let type_id = TypeId::of::<T>();
    if with_registrations(|known| known.iter().any(|known| known.type_id == type_id)) {
        return;
    }
    let mut registry = registry();
    if !registry.iter().any(|known| known.type_id == type_id) {
        registry.push(Registration {
            type_id,
            capture: Entry::capture::<T>,
        });
        GENERATION.fetch_add(1, Ordering::Release);
    }
}
