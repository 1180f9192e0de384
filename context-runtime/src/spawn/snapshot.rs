//! [`Snapshot`]: the contexts set at one point, captured to be entered again elsewhere.

use std::fmt;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::Arc;

use super::InContext;
use crate::RequestContext;
use crate::core::registry::{self, AnyContext};
use crate::core::run_once;

/// The context values set at one point of the program, captured so that work running later,
/// elsewhere, runs inside them: Node's `AsyncLocalStorage.snapshot()`, Python's
/// `copy_context()`.
///
/// Capturing costs one reference-count increment per context set; entering costs what a
/// `scope` costs. A snapshot with nothing in it is free to enter.
///
/// ```
/// use context_runtime::{RequestContext, Snapshot};
///
/// #[derive(RequestContext)]
/// struct RequestCtx { request_id: String }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let ctx = RequestCtx::builder().request_id("r-1".into()).build();
/// let snapshot = ctx.sync_scope(Snapshot::capture);
///
/// // Later, outside the scope: a closure, a future, on another thread...
/// assert_eq!(snapshot.clone().sync_scope(|| RequestCtx::with(|c| c.request_id().clone())), "r-1");
/// let id = tokio::task::spawn_blocking(snapshot.bind(|| RequestCtx::with(|c| c.request_id().clone())));
/// assert_eq!(id.await.unwrap(), "r-1");
/// assert!(RequestCtx::try_current().is_none());
/// # }
/// ```
#[derive(Clone, Default)]
pub struct Snapshot {
    entries: Entries,
}

/// The captured values. An entry is `None` only while it is entered (or after a panic while it
/// was). One context type is the common case, and needs no allocation.
#[derive(Clone, Default)]
enum Entries {
    #[default]
    Empty,
    One(Option<Entry>),
    Many(Vec<Option<Entry>>),
}

impl Entries {
    fn push(&mut self, entry: Entry) {
        *self = match std::mem::take(self) {
            Self::Empty => Self::One(Some(entry)),
            Self::One(first) => Self::Many(vec![first, Some(entry)]),
            Self::Many(mut entries) => {
                entries.push(Some(entry));
                Self::Many(entries)
            }
        };
    }

    fn as_slice(&self) -> &[Option<Entry>] {
        match self {
            Self::Empty => &[],
            Self::One(entry) => std::slice::from_ref(entry),
            Self::Many(entries) => entries,
        }
    }

    fn as_mut_slice(&mut self) -> &mut [Option<Entry>] {
        match self {
            Self::Empty => &mut [],
            Self::One(entry) => std::slice::from_mut(entry),
            Self::Many(entries) => entries,
        }
    }
}

impl Snapshot {
    /// Captures every context type that is set on this task (or thread) now.
    ///
    /// ```
    /// # use context_runtime::{RequestContext, Snapshot};
    /// # #[derive(RequestContext)] struct A { a: u8 }
    /// # #[derive(RequestContext)] struct B { b: u8 }
    /// let snapshot = A::builder().a(1).build().sync_scope(|| B::builder().b(2).build().sync_scope(Snapshot::capture));
    /// assert_eq!(snapshot.len(), 2);
    /// assert!(Snapshot::capture().is_empty());
    /// ```
    #[inline]
    pub fn capture() -> Self {
        let entries = match registry::registrations() {
            [] => Entries::Empty,
            // One context type, the common case: no loop, no `push`.
            [only] => only
                .accessor
                .capture()
                .map_or(Entries::Empty, |entry| Entries::One(Some(entry))),
            registrations => {
                let mut entries = Entries::Empty;
                for registration in registrations {
                    if let Some(entry) = registration.accessor.capture() {
                        entries.push(entry);
                    }
                }
                entries
            }
        };
        Self { entries }
    }

    /// A snapshot holding nothing: entering it changes nothing.
    ///
    /// ```
    /// # use context_runtime::Snapshot;
    /// assert!(Snapshot::empty().is_empty());
    /// ```
    pub fn empty() -> Self {
        Self::default()
    }

    /// Adds `T`'s current value, if one is set: builds a snapshot of exactly the named types.
    ///
    /// ```
    /// # use context_runtime::{RequestContext, Snapshot};
    /// # #[derive(RequestContext)] struct A { a: u8 }
    /// # #[derive(RequestContext)] struct B { b: u8 }
    /// let only_a = A::builder().a(1).build().sync_scope(|| {
    ///     B::builder().b(2).build().sync_scope(|| Snapshot::empty().with_current::<A>())
    /// });
    /// assert_eq!(only_a.len(), 1);
    /// only_a.sync_scope(|| assert!(A::try_current().is_some() && B::try_current().is_none()));
    /// ```
    #[must_use]
    pub fn with_current<T: RequestContext>(mut self) -> Self {
        if let Some(current) = T::try_current() {
            self.entries.push(current.into_arc());
        }
        self
    }

    /// How many context values this snapshot holds. Behind `ContextLayer` (or inside
    /// `Baggage::scope`) one of them is the runtime's own: what the request brought in (its
    /// request id and received baggage), carried so that requests made from spawned work send
    /// them on too.
    ///
    /// ```
    /// # use context_runtime::Snapshot;
    /// assert_eq!(Snapshot::empty().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.as_slice().len()
    }

    /// Whether this snapshot holds no context at all.
    ///
    /// ```
    /// # use context_runtime::Snapshot;
    /// assert!(Snapshot::capture().is_empty()); // nothing is set here
    /// ```
    pub fn is_empty(&self) -> bool {
        matches!(self.entries, Entries::Empty)
    }

    /// Runs `inner` (a future or a stream) inside the captured contexts: they are entered around
    /// every poll, whatever task or thread polls it.
    ///
    /// ```
    /// # use context_runtime::{RequestContext, Snapshot};
    /// # #[derive(RequestContext)] struct Ctx { tenant: u64 }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let snapshot = Ctx::builder().tenant(7).build().sync_scope(Snapshot::capture);
    /// let child = tokio::spawn(snapshot.scope(async { *Ctx::current().tenant() }));
    /// assert_eq!(child.await.unwrap(), 7);
    /// # }
    /// ```
    pub fn scope<T>(self, inner: T) -> InContext<T> {
        InContext::new(inner, self)
    }

    /// Runs the closure `f` inside the captured contexts, now.
    ///
    /// ```
    /// # use context_runtime::{RequestContext, Snapshot};
    /// # #[derive(RequestContext)] struct Ctx { tenant: u64 }
    /// let snapshot = Ctx::builder().tenant(7).build().sync_scope(Snapshot::capture);
    /// assert_eq!(snapshot.sync_scope(|| *Ctx::current().tenant()), 7);
    /// ```
    pub fn sync_scope<R>(mut self, f: impl FnOnce() -> R) -> R {
        self.enter_all(f)
    }

    /// Binds the closure `f` to the captured contexts: calling the result runs `f` inside them.
    /// This is what a `spawn_blocking` closure or a thread body needs.
    ///
    /// ```
    /// # use context_runtime::{RequestContext, Snapshot};
    /// # #[derive(RequestContext)] struct Ctx { tenant: u64 }
    /// let job = Ctx::builder().tenant(7).build().sync_scope(|| Snapshot::capture().bind(|| *Ctx::current().tenant()));
    /// assert_eq!(std::thread::spawn(job).join().unwrap(), 7);
    /// ```
    pub fn bind<F: FnOnce() -> R, R>(self, f: F) -> impl FnOnce() -> R {
        move || self.sync_scope(f)
    }
}

impl Snapshot {
    /// Adds `current`, a handle the caller holds already (no capture, no registry read).
    #[cfg(feature = "http")]
    pub(crate) fn keep<T: RequestContext>(&mut self, current: crate::Current<T>) {
        self.entries.push(current.into_arc());
    }

    /// Runs `f` with every captured value entered, and keeps the values for the next time.
    #[inline]
    pub(crate) fn enter_all<R>(&mut self, f: impl FnOnce() -> R) -> R {
        let entries = self.entries.as_mut_slice();
        run_once(f, |run| match entries {
            [] => run(),
            // One context type, the common case: enter it directly.
            [slot] => match slot.take() {
                Some(entry) => *slot = entry.enter(run),
                None => run(),
            },
            entries => enter_each(entries, run),
        })
    }
}

/// Enters the first entry, then the rest inside it, then runs `f`. Not generic, so the recursion
/// is one function however many entries there are.
fn enter_each(entries: &mut [Option<Entry>], f: &mut dyn FnMut()) {
    let Some((first, rest)) = entries.split_first_mut() else {
        return f();
    };
    match first.take() {
        Some(entry) => *first = entry.enter(&mut || enter_each(rest, f)),
        // Lost to a panic during an earlier entering: run without it rather than fail again.
        None => enter_each(rest, f),
    }
}

// A context value is frozen (the derive refuses interior mutability), so a panic can never
// leave one half-changed: a snapshot is safe to use across `catch_unwind`.
impl UnwindSafe for Snapshot {}
impl RefUnwindSafe for Snapshot {}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = self
            .entries
            .as_slice()
            .iter()
            .flatten()
            .map(|entry| entry.type_name());
        f.debug_tuple("Snapshot")
            .field(&names.collect::<Vec<_>>())
            .finish()
    }
}

/// One captured context value, its type erased: an `Arc<T>` unsized to a trait object, so
/// capturing allocates nothing.
type Entry = Arc<dyn AnyContext>;
