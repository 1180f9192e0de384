//! [`Contexts`]: what a [`ContextLayer`](super::ContextLayer) constructor builds, one context or
//! several, entered together around the request.

use std::future::Future;

use crate::{Current, RequestContext, Scoped, Snapshot};

/// One context, or a tuple of up to four, that a [`ContextLayer`](super::ContextLayer)
/// constructor returns for each request: the service runs inside all of them. Two context types
/// at one edge (the request's facts and the caller's identity, say) are built by one layer,
/// from one request id.
///
/// ```
/// use context_runtime::{ContextLayer, RequestContext, RequestId};
/// use http::{Request, Response, StatusCode};
/// use tower::{ServiceBuilder, ServiceExt};
///
/// #[derive(RequestContext)]
/// struct RequestCtx { request_id: RequestId }
///
/// #[derive(RequestContext)]
/// struct AuthCtx { user: String }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let service = ServiceBuilder::new()
///     .layer(ContextLayer::new(|_: &http::request::Parts, id: &RequestId| {
///         let request = RequestCtx::builder().request_id(id.clone()).build();
///         let auth = AuthCtx::builder().user("ada".into()).build();
///         Ok::<_, StatusCode>((request, auth))
///     }))
///     .service_fn(|_: Request<()>| async {
///         let seen = format!("{} {}", RequestCtx::with(|c| c.request_id().clone()), AuthCtx::with(|c| c.user().clone()));
///         Ok::<_, std::convert::Infallible>(Response::new(seen))
///     });
/// let response = service.oneshot(Request::builder().header("x-request-id", "r-1").body(()).unwrap()).await.unwrap();
/// assert_eq!(response.into_body().into_inner().as_deref(), Some("r-1 ada"));
/// # }
/// ```
pub trait Contexts: sealed::Sealed + Send + 'static {
    /// `F` run inside every context of the set.
    type Scoped<F: Future>: Future<Output = F::Output>;

    /// Runs `future` inside every context of the set.
    fn scope<F: Future>(self, future: F) -> Self::Scoped<F>;

    /// Runs `future` inside every context of the set, and keeps a handle to each in `kept` (for
    /// the response body, polled after the future is done).
    #[doc(hidden)]
    fn scope_kept<F: Future>(self, future: F, kept: &mut Snapshot) -> Self::Scoped<F>;
}

mod sealed {
    pub trait Sealed {}
}

impl<T: RequestContext> sealed::Sealed for T {}

impl<T: RequestContext> Contexts for T {
    type Scoped<F: Future> = Scoped<T, F>;

    #[inline]
    fn scope<F: Future>(self, future: F) -> Scoped<T, F> {
        RequestContext::scope(self, future)
    }

    #[inline]
    fn scope_kept<F: Future>(self, future: F, kept: &mut Snapshot) -> Scoped<T, F> {
        let current = Current::new(self);
        kept.keep(current.clone());
        current.scope(future)
    }
}

/// The tuples: each element is entered, the first outermost.
macro_rules! tuples {
    ($(($($name:ident),+))+) => {$(
        impl<$($name: RequestContext),+> sealed::Sealed for ($($name,)+) {}

        impl<$($name: RequestContext),+> Contexts for ($($name,)+) {
            type Scoped<F: Future> = tuples!(@scoped F; $($name),+);

            #[inline]
            #[allow(non_snake_case)]
            fn scope<F: Future>(self, future: F) -> Self::Scoped<F> {
                let ($($name,)+) = self;
                tuples!(@enter future; $($name),+)
            }

            #[inline]
            #[allow(non_snake_case)]
            fn scope_kept<F: Future>(self, future: F, kept: &mut Snapshot) -> Self::Scoped<F> {
                let ($($name,)+) = self;
                tuples!(@keep kept, future; $($name),+)
            }
        }
    )+};
    (@scoped $f:ty; $first:ident $(, $rest:ident)*) => {
        Scoped<$first, tuples!(@scoped $f; $($rest),*)>
    };
    (@scoped $f:ty;) => { $f };
    (@enter $future:expr; $first:ident $(, $rest:ident)*) => {
        RequestContext::scope($first, tuples!(@enter $future; $($rest),*))
    };
    (@enter $future:expr;) => { $future };
    (@keep $kept:ident, $future:expr; $first:ident $(, $rest:ident)*) => {{
        let current = Current::new($first);
        $kept.keep(current.clone());
        current.scope(tuples!(@keep $kept, $future; $($rest),*))
    }};
    (@keep $kept:ident, $future:expr;) => { $future };
}

tuples! {
    (A, B)
    (A, B, C)
    (A, B, C, D)
}
