// `#[with_context]` on a function of a trait impl, and on a whole trait impl block, rewrites those bodies (sync and async).
use context_runtime::{RequestContext, with_context};

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
}

fn seen() -> Option<String> {
    RequestCtx::try_with(|c| c.request_id().clone())
}

trait Worker {
    fn run(&self) -> Option<String>;
    async fn run_async(&self) -> Option<String>;
}

struct OneFunction;

impl Worker for OneFunction {
    #[with_context]
    fn run(&self) -> Option<String> {
        std::thread::spawn(seen).join().unwrap()
    }

    // Not annotated: its child sees nothing.
    async fn run_async(&self) -> Option<String> {
        tokio::spawn(async { seen() }).await.unwrap()
    }
}

struct WholeImpl;

#[with_context]
impl Worker for WholeImpl {
    fn run(&self) -> Option<String> {
        std::thread::spawn(seen).join().unwrap()
    }

    async fn run_async(&self) -> Option<String> {
        tokio::spawn(async { seen() }).await.unwrap()
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let ctx = || RequestCtx::builder().request_id("r-1".to_owned()).build();

    assert_eq!(
        ctx().sync_scope(|| OneFunction.run()).as_deref(),
        Some("r-1")
    );
    assert_eq!(ctx().scope(OneFunction.run_async()).await, None);

    assert_eq!(ctx().sync_scope(|| WholeImpl.run()).as_deref(), Some("r-1"));
    assert_eq!(
        ctx().scope(WholeImpl.run_async()).await.as_deref(),
        Some("r-1")
    );
}
