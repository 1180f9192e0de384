//! The cost of the request deadline: reading it (`Deadline::remaining`, `Deadline::expired`)
//! against a raw `tokio::task_local!` holding an `Arc` of a struct with a `std::time::Instant`,
//! and running a future under it (`context_runtime::timeout`) against tokio's own
//! `tokio::time::timeout_at` and `tokio::time::timeout`, in one run.
//!
//! `Instant::now()` (a vDSO call, `clock_gettime`) dominates a read of the time left: the clock
//! alone and the read of the deadline's instant without the clock (`Deadline::try_with(|d|
//! d.instant())` against the raw task-local's instant) are measured too, so the library's own
//! overhead shows apart from the clock's.
//!
//! `timeout` is measured where it matters most, the common case: the work finishes in time (a
//! future that completes at its first poll), inside a deadline scope, on a current-thread runtime
//! with its timer enabled; and with no deadline set, against awaiting the future directly.
//!
//! `cargo bench -p context-runtime --bench deadline` prints criterion's figures, then the paired
//! ratios. No budget is set: the ratios are printed for reference. `benches/instructions.sh
//! deadline <variant>...` counts instructions per operation under cachegrind, through this
//! binary's `--count <variant> <iterations>` mode.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use context_runtime::{Deadline, RequestContext, timeout};
use criterion::Criterion;
use tokio::runtime::Runtime;

mod support;
use support::Ratio;

/// The deadline, in a task-local written by hand: what the library's `Deadline` replaces.
struct RawDeadline {
    at: Instant,
}

tokio::task_local! {
    static RAW: Arc<RawDeadline>;
}

/// Far enough that no measured deadline passes.
const BUDGET: Duration = Duration::from_hours(1);

// Each read is a function of its own, not inlined, called from one shared loop (as in
// `benches/read.rs`): the shape of a read four layers down, and the same loop for every variant.
// The raw reads use `try_with`, as the library's do: outside a scope they answer `None` / `false`.

#[inline(never)]
fn read_remaining() -> Option<Duration> {
    Deadline::remaining()
}

#[inline(never)]
fn read_raw_remaining() -> Option<Duration> {
    RAW.try_with(|d| d.at.saturating_duration_since(Instant::now()))
        .ok()
}

#[inline(never)]
fn read_expired() -> bool {
    Deadline::expired()
}

#[inline(never)]
fn read_raw_expired() -> bool {
    RAW.try_with(|d| d.at <= Instant::now()).unwrap_or(false)
}

#[inline(never)]
fn read_instant() -> Option<Instant> {
    Deadline::try_with(|deadline| deadline.instant())
}

#[inline(never)]
fn read_raw_instant() -> Option<Instant> {
    RAW.try_with(|d| d.at).ok()
}

#[inline(never)]
fn read_clock() -> Instant {
    Instant::now()
}

/// Times `iters` calls of `read`, inside whatever scope the caller set.
#[inline(never)]
fn reads<T>(iters: u64, read: &dyn Fn() -> T) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        black_box(read());
    }
    start.elapsed()
}

fn in_deadline<T>(iters: u64, read: &dyn Fn() -> T) -> Duration {
    Deadline::after(BUDGET).sync_scope(|| reads(iters, read))
}

fn in_raw<T>(iters: u64, read: &dyn Fn() -> T) -> Duration {
    let raw = Arc::new(RawDeadline {
        at: Instant::now() + BUDGET,
    });
    RAW.sync_scope(raw, || reads(iters, read))
}

fn remaining(iters: u64) -> Duration {
    in_deadline(iters, &read_remaining)
}

fn raw_remaining(iters: u64) -> Duration {
    in_raw(iters, &read_raw_remaining)
}

fn expired(iters: u64) -> Duration {
    in_deadline(iters, &read_expired)
}

fn raw_expired(iters: u64) -> Duration {
    in_raw(iters, &read_raw_expired)
}

fn instant(iters: u64) -> Duration {
    in_deadline(iters, &read_instant)
}

fn raw_instant(iters: u64) -> Duration {
    in_raw(iters, &read_raw_instant)
}

fn clock(iters: u64) -> Duration {
    reads(iters, &read_clock)
}

fn remaining_unset(iters: u64) -> Duration {
    reads(iters, &read_remaining)
}

// `timeout`: the work is a future that completes at its first poll.

#[inline(never)]
#[allow(clippy::unused_async)] // the point: a future that completes at its first poll
async fn work() -> u64 {
    black_box(7)
}

/// Runs `iters` awaits of `op` on a current-thread runtime with its timer enabled, inside a
/// deadline scope (`scoped`) or none, and returns the time they took. Every `op` completes at
/// once, so the block is polled once: the scope is entered once, not per operation.
fn awaits<F: Future<Output = u64>>(
    iters: u64,
    scoped: bool,
    op: impl Fn(Instant) -> F,
) -> Duration {
    thread_local! {
        static RUNTIME: Runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
    }
    let deadline = Deadline::after(BUDGET);
    let at = deadline.instant();
    let raw = Arc::new(RawDeadline { at });
    let body = async move {
        let start = Instant::now();
        for _ in 0..iters {
            black_box(op(black_box(at)).await);
        }
        start.elapsed()
    };
    RUNTIME.with(|runtime| {
        if scoped {
            runtime.block_on(deadline.scope(RAW.scope(raw, body)))
        } else {
            runtime.block_on(body)
        }
    })
}

/// `context_runtime::timeout` inside a deadline scope.
fn library_timeout(iters: u64) -> Duration {
    awaits(iters, true, |_| async {
        timeout(work()).await.unwrap_or(0)
    })
}

/// `tokio::time::timeout_at` with the deadline's instant already in hand.
fn tokio_timeout_at(iters: u64) -> Duration {
    awaits(iters, true, |at| async move {
        tokio::time::timeout_at(at.into(), work())
            .await
            .unwrap_or(0)
    })
}

/// The hand-written equivalent of `timeout`: the instant read from the raw task-local, then
/// `tokio::time::timeout_at` (no deadline: the future awaited directly).
fn raw_timeout_at(iters: u64) -> Duration {
    awaits(iters, true, |_| async {
        match RAW.try_with(|d| d.at) {
            Ok(at) => tokio::time::timeout_at(at.into(), work())
                .await
                .unwrap_or(0),
            Err(_) => work().await,
        }
    })
}

/// `tokio::time::timeout` with a duration (it reads the clock to make the instant).
fn tokio_timeout(iters: u64) -> Duration {
    awaits(iters, true, |_| async {
        tokio::time::timeout(BUDGET, work()).await.unwrap_or(0)
    })
}

/// `context_runtime::timeout` where no deadline is set.
fn timeout_unset(iters: u64) -> Duration {
    awaits(iters, false, |_| async {
        timeout(work()).await.unwrap_or(0)
    })
}

/// The future awaited directly, no deadline.
fn direct(iters: u64) -> Duration {
    awaits(iters, false, |_| work())
}

/// Runs a variant `iters` times and returns the time it took.
type Measure = fn(u64) -> Duration;

static READS: [(&str, Measure); 8] = [
    ("remaining", remaining),
    ("raw_remaining", raw_remaining),
    ("expired", expired),
    ("raw_expired", raw_expired),
    ("instant", instant),
    ("raw_instant", raw_instant),
    ("clock", clock),
    ("remaining_unset", remaining_unset),
];

static TIMEOUTS: [(&str, Measure); 6] = [
    ("timeout", library_timeout),
    ("timeout_at", tokio_timeout_at),
    ("raw_timeout_at", raw_timeout_at),
    ("tokio_timeout", tokio_timeout),
    ("timeout_unset", timeout_unset),
    ("direct", direct),
];

/// `subject` / `anchor`, for reference (no budget).
fn ratio<'a>(subject: &'static str, anchor: &'static str) -> Ratio<'a> {
    let find = |name: &str| -> (&'static str, support::Variant<'a>) {
        READS
            .iter()
            .chain(&TIMEOUTS)
            .find(|(known, _)| *known == name)
            .map(|(known, measure)| (*known, measure as support::Variant<'a>))
            .expect("a variant of this benchmark")
    };
    Ratio {
        subject: find(subject),
        anchor: find(anchor),
        budget: None,
    }
}

fn main() {
    // `--count <variant> <iterations>`: for an instruction count (`benches/instructions.sh`).
    if let Some((name, iters)) = support::count_args() {
        let (_, variant) = READS
            .iter()
            .chain(&TIMEOUTS)
            .find(|(known, _)| *known == name)
            .expect("a variant of this benchmark");
        // Warm-up, as many for 0 counted operations as for N: the runtime built, first-time
        // work done.
        black_box(variant(1_000));
        black_box(variant(iters));
        return;
    }
    // Every variant must see the deadline it is measured with.
    assert!(in_deadline(1, &|| assert!(read_remaining().is_some())) > Duration::ZERO);
    assert!(in_raw(1, &|| assert!(read_raw_remaining().is_some())) > Duration::ZERO);
    assert_eq!(Deadline::remaining(), None);
    // And `timeout` keeps its three outcomes: work that waits and finishes in time, work cut at
    // the deadline, work not started past it.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    let waits = async {
        tokio::task::yield_now().await;
        7
    };
    let in_time = Deadline::after(BUDGET).scope(timeout(waits));
    assert_eq!(runtime.block_on(in_time), Ok(7));
    let cut =
        Deadline::after(Duration::from_millis(5)).scope(timeout(std::future::pending::<()>()));
    assert!(runtime.block_on(cut).is_err());
    let late = Deadline::after(Duration::ZERO).scope(timeout(async { unreachable!() }));
    assert!(runtime.block_on(late).is_err());

    let mut criterion = Criterion::default().configure_from_args();
    for (group, variants) in [
        ("deadline_read", &READS[..]),
        ("deadline_timeout", &TIMEOUTS[..]),
    ] {
        let mut group = criterion.benchmark_group(group);
        for (name, variant) in variants {
            group.bench_function(*name, |b| b.iter_custom(variant));
        }
        group.finish();
    }
    criterion.final_summary();

    support::report(
        "read the deadline",
        &[
            ratio("remaining", "raw_remaining"),
            ratio("expired", "raw_expired"),
            ratio("instant", "raw_instant"),
            ratio("raw_remaining", "raw_instant"),
            ratio("clock", "raw_instant"),
        ],
    );
    support::report(
        "await a future that completes at once",
        &[
            ratio("timeout", "timeout_at"),
            ratio("timeout", "raw_timeout_at"),
            ratio("timeout", "tokio_timeout"),
            ratio("timeout_unset", "direct"),
            ratio("timeout_at", "direct"),
        ],
    );
}
