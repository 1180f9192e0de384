//! The context types most suites share.

#![allow(dead_code)] // each suite uses its own part

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::ThreadId;
use std::time::Duration;

use context_runtime::RequestContext;

/// A request, identified by its id.
#[derive(RequestContext)]
pub(crate) struct RequestCtx {
    request_id: String,
}

/// A second, independent context type.
#[derive(RequestContext)]
pub(crate) struct TenantCtx {
    tenant: u64,
}

pub(crate) fn request(id: &str) -> RequestCtx {
    RequestCtx::builder().request_id(id.to_owned()).build()
}

pub(crate) fn tenant(id: u64) -> TenantCtx {
    TenantCtx::builder().tenant(id).build()
}

/// The current request's id, or `None` where no request context is set.
pub(crate) fn request_id() -> Option<String> {
    RequestCtx::try_with(|c| c.request_id().clone())
}

/// The current tenant, or `None` where no tenant context is set.
pub(crate) fn tenant_id() -> Option<u64> {
    TenantCtx::try_with(|c| *c.tenant())
}

/// Counts the live values of itself (it holds no heap): put one in a context to count the live
/// contexts of a test binary.
#[derive(Debug)]
pub(crate) struct Live;

static LIVE: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

impl Live {
    pub(crate) fn new() -> Self {
        LIVE.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Live
    }

    /// How many are alive now.
    pub(crate) fn count() -> i64 {
        LIVE.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A barrier that gives up: each party arrives and waits until all `parties` have arrived, or
/// until `timeout` has passed. A `std::sync::Barrier` would hang the suite (and CI) forever when
/// a scheduling change keeps one party from arriving; this fails the suite instead.
pub(crate) struct Countdown {
    arrived: Mutex<usize>,
    all_here: Condvar,
    parties: usize,
}

impl Countdown {
    pub(crate) fn new(parties: usize) -> Self {
        Self {
            arrived: Mutex::new(0),
            all_here: Condvar::new(),
            parties,
        }
    }

    /// Arrives, then blocks until every party has arrived: `Err(arrived)` with how many had
    /// arrived if they were not all here within `timeout`.
    pub(crate) fn arrive_and_wait(&self, timeout: Duration) -> Result<(), usize> {
        let mut arrived = self.arrived.lock().unwrap_or_else(PoisonError::into_inner);
        *arrived += 1;
        if *arrived >= self.parties {
            self.all_here.notify_all();
            return Ok(());
        }
        let (arrived, _) = self
            .all_here
            .wait_timeout_while(arrived, timeout, |arrived| *arrived < self.parties)
            .unwrap_or_else(PoisonError::into_inner);
        if *arrived >= self.parties {
            Ok(())
        } else {
            Err(*arrived)
        }
    }
}

/// How long the probes of `probe_every_worker` wait for each other before the suite fails.
pub(crate) const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs one probe on every worker thread of the current multi-thread runtime at once (each holds
/// its worker until all `workers` probes are running, so no worker runs two) and returns what
/// each saw: its thread and `has_context()` there. Fails, rather than hangs, when the probes are
/// not all running within `PROBE_TIMEOUT`, and asserts that `workers` distinct threads ran them.
pub(crate) async fn probe_every_worker(
    workers: usize,
    has_context: fn() -> bool,
) -> Vec<(ThreadId, bool)> {
    let countdown = Arc::new(Countdown::new(workers));
    let probes: Vec<_> = (0..workers)
        .map(|_| {
            let countdown = Arc::clone(&countdown);
            tokio::spawn(async move {
                let together = countdown.arrive_and_wait(PROBE_TIMEOUT);
                (together, std::thread::current().id(), has_context())
            })
        })
        .collect();
    let mut seen = Vec::with_capacity(workers);
    for probe in probes {
        let joined = tokio::time::timeout(PROBE_TIMEOUT * 2, probe)
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "a worker probe did not finish within {:?}: a worker thread is stuck",
                    PROBE_TIMEOUT * 2
                )
            });
        let (together, thread, carrying) = joined.expect("a worker probe panicked");
        if let Err(arrived) = together {
            panic!(
                "only {arrived} of {workers} worker probes were running at once after \
                 {PROBE_TIMEOUT:?}: some worker thread was busy, so not every worker was probed"
            );
        }
        seen.push((thread, carrying));
    }
    let threads: std::collections::HashSet<_> = seen.iter().map(|(thread, _)| *thread).collect();
    assert_eq!(threads.len(), workers, "every worker was probed: {seen:?}");
    seen
}

/// Silences the panics a suite causes on purpose, and only those: while it lives, a panic whose
/// message satisfies `expected` is recorded (as the hook formats it) instead of printed; any other
/// panic (a failed assertion, an unexpected error) goes to the previous hook and prints as usual.
/// Dropping it puts the previous hook back (unless the thread is unwinding, when the hook cannot
/// be changed; it forwards unexpected panics anyway).
pub(crate) struct ExpectedPanics {
    seen: Arc<Mutex<Vec<String>>>,
    previous: Option<Arc<PanicHook>>,
}

type PanicHook = Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Sync + Send + 'static>;

/// A panic's message, when it is text (`panic!` with a literal or with arguments).
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
}

impl ExpectedPanics {
    pub(crate) fn install(expected: fn(&str) -> bool) -> Self {
        let previous = Arc::new(std::panic::take_hook());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (forward, record) = (Arc::clone(&previous), Arc::clone(&seen));
        std::panic::set_hook(Box::new(move |info| {
            if panic_message(info.payload()).is_some_and(expected) {
                record
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(info.to_string());
            } else {
                forward(info);
            }
        }));
        Self {
            seen,
            previous: Some(previous),
        }
    }

    /// The expected panics so far, as the hook formatted them.
    pub(crate) fn seen(&self) -> Vec<String> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for ExpectedPanics {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        drop(std::panic::take_hook()); // ours, and with it its share of the previous hook
        if let Some(previous) = self.previous.take() {
            match Arc::try_unwrap(previous) {
                Ok(previous) => std::panic::set_hook(previous),
                Err(shared) => std::panic::set_hook(Box::new(move |info| shared(info))),
            }
        }
    }
}
