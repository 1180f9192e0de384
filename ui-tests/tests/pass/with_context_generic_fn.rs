// `#[with_context]` on generic functions: the spawned future or closure may be a type parameter (decided by its bounds), and named types work in a generic body.
use std::future::Future;

use context_runtime::{RequestContext, with_context};
use tokio::task::JoinSet;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
}

fn seen() -> Option<String> {
    RequestCtx::try_with(|c| c.request_id().clone())
}

#[with_context]
async fn run_task<F>(job: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(job).await.unwrap()
}

/// `JoinSet::spawn` decides future-or-closure from the argument's type; here, from the bound.
#[with_context(RequestCtx)]
async fn run_in_set<F, T>(jobs: Vec<F>) -> Vec<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut set = JoinSet::new();
    for job in jobs {
        set.spawn(job);
    }
    let mut out = Vec::new();
    while let Some(result) = set.join_next().await {
        out.push(result.unwrap());
    }
    out
}

/// `thread::Builder::spawn` also decides from the argument's type: a closure type parameter.
#[with_context]
fn run_thread<F, R>(job: F) -> R
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    std::thread::Builder::new()
        .spawn(job)
        .unwrap()
        .join()
        .unwrap()
}

#[with_context]
async fn run_blocking<T: Clone + Send + 'static>(value: T) -> (T, Option<String>) {
    tokio::task::spawn_blocking(move || (value.clone(), seen()))
        .await
        .unwrap()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let ctx = || RequestCtx::builder().request_id("r-1".to_owned()).build();

    assert_eq!(
        ctx().scope(run_task(async { seen() })).await.as_deref(),
        Some("r-1")
    );
    async fn job() -> Option<String> {
        seen()
    }
    let jobs = vec![job(), job()];
    for seen in ctx().scope(run_in_set(jobs)).await {
        assert_eq!(seen.as_deref(), Some("r-1"));
    }
    assert_eq!(
        ctx().sync_scope(|| run_thread(seen)).as_deref(),
        Some("r-1")
    );
    let (value, seen) = ctx().scope(run_blocking(vec![1_u8, 2])).await;
    assert_eq!((value, seen.as_deref()), (vec![1, 2], Some("r-1")));
}
