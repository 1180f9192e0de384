// `#[with_context]` on a trait rewrites its default method bodies (sync and async); an impl that overrides a default is its own function, not rewritten.
use context_runtime::{RequestContext, with_context};

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
}

fn seen() -> Option<String> {
    RequestCtx::try_with(|c| c.request_id().clone())
}

#[with_context]
trait Worker {
    fn name(&self) -> &'static str;

    fn run(&self) -> (&'static str, Option<String>) {
        let name = self.name();
        std::thread::spawn(move || (name, seen())).join().unwrap()
    }

    async fn run_async(&self) -> Option<String> {
        tokio::spawn(async { seen() }).await.unwrap()
    }
}

struct UsesDefaults;

impl Worker for UsesDefaults {
    fn name(&self) -> &'static str {
        "defaults"
    }
}

struct Overrides;

impl Worker for Overrides {
    fn name(&self) -> &'static str {
        "overrides"
    }

    fn run(&self) -> (&'static str, Option<String>) {
        std::thread::spawn(|| ("overrides", seen())).join().unwrap()
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let ctx = || RequestCtx::builder().request_id("r-1".to_owned()).build();

    let (name, seen) = ctx().sync_scope(|| UsesDefaults.run());
    assert_eq!((name, seen.as_deref()), ("defaults", Some("r-1")));
    assert_eq!(
        ctx().scope(UsesDefaults.run_async()).await.as_deref(),
        Some("r-1")
    );

    let (name, seen) = ctx().sync_scope(|| Overrides.run());
    assert_eq!((name, seen), ("overrides", None));
    // The default it did not override is still rewritten.
    assert_eq!(
        ctx().scope(Overrides.run_async()).await.as_deref(),
        Some("r-1")
    );
}
