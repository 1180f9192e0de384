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
    // Crates whose types are connections to other systems (`INFRASTRUCTURE_KINDS`): databases
    // and ORMs (sqlx, diesel, diesel-async, sea-orm, tokio-postgres, postgres, rusqlite), their
    // pools (deadpool, bb8, r2d2, mobc, with their per-backend crates), document stores, caches
    // and brokers (mongodb, redis, lapin, rdkafka, async-nats), and clients of other services
    // (reqwest, reqwest-middleware, hyper, hyper-util, tonic).
    "sqlx",
    "diesel",
    "diesel_async",
    "sea_orm",
    "tokio_postgres",
    "postgres",
    "rusqlite",
    "deadpool",
    "deadpool_postgres",
    "deadpool_redis",
    "deadpool_diesel",
    "bb8",
    "bb8_postgres",
    "bb8_redis",
    "r2d2",
    "r2d2_postgres",
    "r2d2_sqlite",
    "mobc",
    "mongodb",
    "redis",
    "lapin",
    "rdkafka",
    "async_nats",
    "reqwest",
    "reqwest_middleware",
    "hyper",
    "hyper_util",
    "tonic",
    // Modules imported to shorten the path of an I/O or runtime handle: `fs::File`,
    // `net::TcpStream`, `io::Stdout` (std and tokio), `runtime::Handle`, `task::JoinHandle`
    // (tokio).
    "fs",
    "net",
    "io",
    "runtime",
    "task",
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

/// The kinds of infrastructure handle: each is refused with its own message (in `check`), worded
/// to be true of every crate whose type is listed under it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Infrastructure {
    /// A client of, connection to, pool of connections to, or transaction on a database, a
    /// cache, a broker or another service.
    Connection,
    /// A client of another service (HTTP, gRPC).
    ServiceClient,
    /// A socket, a listener, a file or a standard stream.
    Io,
    /// A handle to a runtime, a task or a thread.
    Task,
}

/// Handles to infrastructure, by the name of their last path segment, grouped by kind: a request
/// context holds facts about the request, and the database pool or the HTTP client its code uses
/// is a dependency of that code, passed explicitly (a function parameter, axum's `State`, a
/// field of the service struct), not a fact about the request. A name listed under more than one
/// kind takes the first; the names in `INFRASTRUCTURE_UNDER_CRATE` are refused only under the
/// crates listed there.
pub(crate) const INFRASTRUCTURE_KINDS: &[(Infrastructure, &[&str])] = &[
    (Infrastructure::Connection, CONNECTIONS),
    (Infrastructure::ServiceClient, SERVICE_CLIENTS),
    (Infrastructure::Io, IO_HANDLES),
    (Infrastructure::Task, TASK_HANDLES),
];

/// Connections, pools and transactions to a database, a cache or a broker (and the clients that
/// hold them): whoever needs one takes it as a dependency, and a transaction is the caller's to
/// commit.
const CONNECTIONS: &[&str] = &[
    // sqlx: the pools, a connection taken from one, the connections, a transaction.
    "Pool",
    "PgPool",
    "MySqlPool",
    "SqlitePool",
    "AnyPool",
    "PoolConnection",
    "PgConnection",
    "MySqlConnection",
    "SqliteConnection",
    "AnyConnection",
    "Transaction",
    // diesel (`PgConnection`, `SqliteConnection` above) and diesel-async.
    "MysqlConnection",
    "AsyncPgConnection",
    "AsyncMysqlConnection",
    // sea-orm.
    "DatabaseConnection",
    "DatabaseTransaction",
    // tokio-postgres and postgres (`Transaction` above), mongodb, redis, async-nats: `Client`
    // is each one's connection.
    "Client",
    // rusqlite (`Transaction` above), redis, lapin.
    "Connection",
    // deadpool (`Pool` above): a connection taken from a pool (refused only under the crate,
    // see `INFRASTRUCTURE_UNDER_CRATE`).
    "Object",
    // bb8, r2d2, mobc (`Pool` above); redis's `ConnectionManager` too.
    "PooledConnection",
    "ConnectionManager",
    // mongodb (`Client` above): a database, a collection and a session are the client's, named
    // for what they reach (refused only under the crate).
    "Database",
    "Collection",
    "ClientSession",
    // redis.
    "MultiplexedConnection",
    // lapin (`Connection` above).
    "Channel",
    // rdkafka: producers and consumers.
    "FutureProducer",
    "BaseProducer",
    "ThreadedProducer",
    "StreamConsumer",
    "BaseConsumer",
    // async-nats (`Client` above): a subscription, and JetStream's `Context` (both refused only
    // under the crate).
    "Subscriber",
    "Context",
];

/// Clients of other services: the code that calls a service takes the client as a dependency;
/// what the request carries to that service is a propagated field.
const SERVICE_CLIENTS: &[&str] = &[
    // reqwest, hyper-util (its legacy pooled client), reqwest-middleware. `Client` is found
    // first among the connections, whose message covers services too.
    "Client",
    "ClientWithMiddleware",
    // hyper: one connection's request sender.
    "SendRequest",
    // tonic: a connection to a gRPC service (found first among the connections, as lapin's).
    "Channel",
];

/// Sockets, listeners, files and standard streams (std and tokio): I/O resources the request's
/// code opens or is given, not facts about the request.
const IO_HANDLES: &[&str] = &[
    // Files, sockets and listeners, std's and tokio's under the same names.
    "File",
    "TcpStream",
    "TcpListener",
    "UdpSocket",
    "UnixStream",
    "UnixListener",
    "UnixDatagram",
    // The halves of a split tokio stream.
    "OwnedReadHalf",
    "OwnedWriteHalf",
    // The process's standard streams.
    "Stdin",
    "Stdout",
    "Stderr",
];

/// Handles to a runtime, a task or a thread (tokio, and std's `JoinHandle`): the code that spawns
/// or awaits takes them explicitly. (`Semaphore` is a shared-state handle, above.)
const TASK_HANDLES: &[&str] = &[
    "Handle",
    "Runtime",
    "JoinHandle",
    "JoinSet",
    "AbortHandle",
    "LocalSet",
];

/// Infrastructure names too generic to refuse when written bare or under any known root (a
/// user's own `Object`, `Database`, `Collection`, `Context` or `Subscriber` is likely, and
/// `std::task::Context` or tracing-subscriber's `Subscriber` is no connection): each is refused
/// only under a path whose first segment is one of the crates listed with it
/// (`deadpool_postgres::Object`, `mongodb::Database`, `async_nats::jetstream::Context`).
pub(crate) const INFRASTRUCTURE_UNDER_CRATE: &[(&str, &[&str])] = &[
    // deadpool's pooled connection.
    (
        "Object",
        &[
            "deadpool",
            "deadpool_postgres",
            "deadpool_redis",
            "deadpool_diesel",
        ],
    ),
    // mongodb's handles to a database and a collection.
    ("Database", &["mongodb"]),
    ("Collection", &["mongodb"]),
    // async-nats: a subscription, and JetStream's context.
    ("Subscriber", &["async_nats"]),
    ("Context", &["async_nats"]),
];
