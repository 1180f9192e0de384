//! What `#[with_context]` wraps spawn arguments in. Not public API.
//!
//! At a spawn call the generated code evaluates the argument, then asks its type which bind it
//! needs: `(&&Probe::of(&arg)).__kind().bind(capture, arg)`. Method resolution tries
//! [`AsFuture`] first, then [`AsClosure`], then [`AsOther`]; the generated code imports only the
//! traits that fit the call (`spawn_local` takes futures, `thread::spawn` closures, `.spawn(..)`
//! either). An argument that fits none is passed through untouched, and `capture` is not even
//! called: the compiler then reports a wrong argument exactly as it would without the attribute,
//! and a function or method that merely shares the name `spawn` keeps working.
//!
//! A future given to tokio's own function by its full path (`tokio::spawn(fut)`) with every
//! context (`#[with_context]`) skips the probe: the generated code calls [`future`], which is
//! much cheaper to compile than the probe's method resolution. So does a closure given to
//! `tokio::task::spawn_blocking` or `std::thread::spawn`: the generated code captures a
//! [`Snapshot`] and spawns `move || snapshot.sync_scope(f)`.

use std::future::Future;
use std::marker::PhantomData;

use super::{Captured, Enter};
use crate::{InContext, RequestContext, Snapshot};

/// One named context type's value at the spawn call (`#[with_context(T)]`). A type that is not a
/// context is reported here, at its name in the attribute, and nowhere else (see [`Captured`]).
pub fn capture<T: RequestContext>() -> Captured<T> {
    Captured::of()
}

/// Carries the type of a spawn call's argument, and nothing else.
pub struct Probe<T>(PhantomData<fn() -> T>);

impl<T> Probe<T> {
    pub fn of(_: &T) -> Self {
        Self(PhantomData)
    }
}

impl<T> Clone for Probe<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Probe<T> {}

/// Chosen first: the argument is a future.
pub trait AsFuture {
    fn __kind(&self) -> FutureKind;
}

impl<F: Future> AsFuture for &Probe<F> {
    fn __kind(&self) -> FutureKind {
        FutureKind
    }
}

/// Chosen next: the argument is a closure without parameters.
pub trait AsClosure<R> {
    fn __kind(&self) -> ClosureKind;
}

impl<F: FnOnce() -> R, R> AsClosure<R> for Probe<F> {
    fn __kind(&self) -> ClosureKind {
        ClosureKind
    }
}

/// Chosen last: anything else.
pub trait AsOther {
    fn __kind(self) -> OtherKind;
}

impl<T> AsOther for Probe<T> {
    fn __kind(self) -> OtherKind {
        OtherKind
    }
}

/// A future given to tokio's own spawn function, wrapped in every context set at the call. The
/// generated code calls it directly, without a [`Probe`], and it asks nothing of `future`: an
/// argument that is not a future is refused by tokio's function, as without the attribute.
pub fn future<F>(future: F) -> InContext<F> {
    Snapshot::capture().scope(future)
}

pub struct FutureKind;

impl FutureKind {
    pub fn bind<S: Enter, F: Future>(self, capture: impl FnOnce() -> S, future: F) -> S::Scoped<F> {
        capture().scope(future)
    }
}

pub struct ClosureKind;

impl ClosureKind {
    pub fn bind<S: Enter, F: FnOnce() -> R, R>(
        self,
        capture: impl FnOnce() -> S,
        f: F,
    ) -> impl FnOnce() -> R {
        let mut contexts = capture();
        move || contexts.enter(f)
    }
}

pub struct OtherKind;

impl OtherKind {
    pub fn bind<S, T>(self, _: impl FnOnce() -> S, value: T) -> T {
        value
    }
}
