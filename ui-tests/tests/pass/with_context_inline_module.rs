// `#[with_context]` on an inline module rewrites every function in it: free fns, impl blocks, trait default bodies and nested inline modules.
use context_runtime::{RequestContext, with_context};

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
}

fn seen() -> Option<String> {
    RequestCtx::try_with(|c| c.request_id().clone())
}

#[with_context]
mod jobs {
    use super::seen;

    pub async fn enqueue() -> Option<String> {
        tokio::spawn(async { seen() }).await.unwrap()
    }

    pub fn enqueue_sync() -> Option<String> {
        std::thread::spawn(seen).join().unwrap()
    }

    pub struct Queue;

    impl Queue {
        pub fn push(&self) -> Option<String> {
            std::thread::spawn(seen).join().unwrap()
        }
    }

    pub trait Job {
        fn run(&self) -> Option<String> {
            std::thread::spawn(seen).join().unwrap()
        }
    }

    impl Job for Queue {}

    pub mod nested {
        use super::super::seen;

        pub fn deeper() -> Option<String> {
            std::thread::spawn(seen).join().unwrap()
        }
    }
}

use jobs::Job as _;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let ctx = || RequestCtx::builder().request_id("r-1".to_owned()).build();
    assert_eq!(ctx().scope(jobs::enqueue()).await.as_deref(), Some("r-1"));
    let seen_by = ctx().sync_scope(|| {
        [
            jobs::enqueue_sync(),
            jobs::Queue.push(),
            jobs::Queue.run(),
            jobs::nested::deeper(),
        ]
    });
    for seen in seen_by {
        assert_eq!(seen.as_deref(), Some("r-1"));
    }
}
