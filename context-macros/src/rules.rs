//! The policy tables the checks read, each stated once, each entry with the reason it is there.
//! Changing what the macros accept starts here; the code that reads a table says how it matches.

/// Where a name reserved on every context type comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// An associated function the derive generates on the context type.
    Generated,
    /// A method of the `RequestContext` trait.
    Trait,
}

/// Names every context type answers to: a field so named would shadow one with its getter, so it
/// gets no getter (and `check` reports the clash).
pub(crate) const CONTEXT_API: &[(&str, Origin)] = &[
    // `Ctx::builder()`: how every context is built.
    ("builder", Origin::Generated),
    // `Ctx::extract(&headers)` / `Ctx::from_baggage(&baggage)`: the builder from a carrier.
    ("extract", Origin::Generated),
    ("from_baggage", Origin::Generated),
    // `ctx.scope(fut)` / `ctx.sync_scope(f)`: enter the context.
    ("scope", Origin::Trait),
    ("sync_scope", Origin::Trait),
    // `Ctx::current()` / `Ctx::try_current()` / `Ctx::with(f)` / `Ctx::try_with(f)`: read it.
    ("current", Origin::Trait),
    ("try_current", Origin::Trait),
    ("with", Origin::Trait),
    ("try_with", Origin::Trait),
    // `ctx.inject(&mut carrier)` / `ctx.write_baggage(&mut baggage)`: send it on.
    ("inject", Origin::Generated),
    ("write_baggage", Origin::Generated),
];

/// Methods of every builder besides the setters: a field so named gets no setter (and `check`
/// reports the clash).
pub(crate) const BUILDER_API: &[&str] = &[
    // `.build()`: ends every builder chain.
    "build",
];

/// The first path segments under which the names below mean the well-known types: the crates
/// that define them, and the modules users import to spell them (`use std::sync; sync::Mutex`).
/// Only the first segment is compared (`tokio::sync::watch::Receiver` is found whatever the
/// middle says); a path starting anywhere else (`crate::`, `self::`, `super::`, a crate not
/// listed) names a type of the user's own and is left alone.
pub(crate) const KNOWN_ROOTS: &[&str] = &[
    // The standard library, under each of its names.
    "std",
    "core",
    "alloc",
    // Crates whose point is shared or lazily set state: locks, cells, channels, atomics,
    // concurrent maps.
    "tokio",
    "parking_lot",
    "lock_api",
    "spin",
    "once_cell",
    "crossbeam",
    "crossbeam_channel",
    "crossbeam_utils",
    "crossbeam_queue",
    "crossbeam_epoch",
    "crossbeam_skiplist",
    "arc_swap",
    "dashmap",
    "futures",
    "futures_util",
    "futures_channel",
    "flume",
    "async_channel",
    "async_lock",
    "atomic_refcell",
    "portable_atomic",
    // Modules imported to shorten the path: `cell::RefCell`, `sync::Mutex`, `atomic::AtomicU64`
    // (also the `atomic` crate), `mpsc::Sender`, `mpmc::Receiver`, tokio's `watch`, `broadcast`
    // and `oneshot` channels, `lock::Mutex` (futures), `unsync::Lazy` and `race::OnceBox`
    // (once_cell), `channel::mpsc` (futures), `queue::SegQueue` (crossbeam).
    "cell",
    "sync",
    "atomic",
    "mpsc",
    "mpmc",
    "watch",
    "broadcast",
    "oneshot",
    "lock",
    "unsync",
    "race",
    "channel",
    "queue",
];

/// Types whose point is mutation through a shared reference, by the name of their last path
/// segment: a context holding one could change after it is built.
pub(crate) const INTERIOR_MUTABILITY: &[&str] = &[
    // Cells: `set`/`replace`/`borrow_mut` through `&`.
    "Cell",
    "RefCell",
    "UnsafeCell",
    "SyncUnsafeCell",
    "AtomicRefCell",
    // Set once, later: the value would appear after the context is built.
    "OnceCell",
    "OnceLock",
    "LazyCell",
    "LazyLock",
    "Lazy",
    "Once",
    "OnceBox",
    "OnceRef",
    "OnceBool",
    "OnceNonZeroUsize",
    "SetOnce",
    // Locks: `lock().unwrap()` hands out `&mut`.
    "Mutex",
    "RwLock",
    "ReentrantMutex",
    "ReentrantLock",
    "FairMutex",
    "ShardedLock",
    // Atomics: `store`/`fetch_add` through `&`.
    "Atomic",
    "AtomicBool",
    "AtomicI8",
    "AtomicI16",
    "AtomicI32",
    "AtomicI64",
    "AtomicI128",
    "AtomicIsize",
    "AtomicU8",
    "AtomicU16",
    "AtomicU32",
    "AtomicU64",
    "AtomicU128",
    "AtomicUsize",
    "AtomicF32",
    "AtomicF64",
    "AtomicPtr",
    "AtomicCell",
    "AtomicWaker",
    // Swappable pointers and concurrent collections: `store`/`insert`/`push` through `&`.
    "ArcSwap",
    "ArcSwapOption",
    "ArcSwapAny",
    "ArcSwapWeak",
    "DashMap",
    "DashSet",
    "SkipMap",
    "SkipSet",
    "SegQueue",
    "ArrayQueue",
];

/// Handles to state shared with other code, by the name of their last path segment: what they
/// reach changes during the request (or is another task's), which is not a fact about it.
pub(crate) const SHARED_STATE_HANDLES: &[&str] = &[
    // Channel ends (std `mpsc`, tokio `mpsc`/`watch`/`broadcast`/`oneshot`, crossbeam, flume,
    // futures): a `watch::Receiver` even reads a value that changes under it.
    "Sender",
    "SyncSender",
    "Receiver",
    "UnboundedSender",
    "UnboundedReceiver",
    "WeakSender",
    "WeakUnboundedSender",
    "OwnedPermit",
    // Borrows of a cell or a watched value, and lock guards (tokio's owned ones are
    // `Send + Sync + 'static`): holding one in a context holds the lock for the request.
    "Ref",
    "RefMut",
    "MutexGuard",
    "RwLockReadGuard",
    "RwLockWriteGuard",
    "OwnedMutexGuard",
    "OwnedRwLockReadGuard",
    "OwnedRwLockWriteGuard",
    "SemaphorePermit",
    "OwnedSemaphorePermit",
    // Signals between tasks and threads.
    "Condvar",
    "Barrier",
    "Semaphore",
    "Notify",
    "WaitGroup",
];
