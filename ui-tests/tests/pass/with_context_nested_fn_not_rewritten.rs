// A nested `fn` item (and a nested impl) inside a `#[with_context]` body is another function: its spawns are not rewritten and its children see no context.
use context_runtime::{RequestContext, with_context};

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
}

fn seen() -> Option<String> {
    RequestCtx::try_with(|c| c.request_id().clone())
}

#[with_context]
async fn outer() -> [Option<String>; 4] {
    fn nested_fn() -> Option<String> {
        std::thread::spawn(seen).join().unwrap()
    }

    async fn nested_async_fn() -> Option<String> {
        tokio::spawn(async { seen() }).await.unwrap()
    }

    struct Helper;

    impl Helper {
        fn nested_method(&self) -> Option<String> {
            std::thread::spawn(seen).join().unwrap()
        }
    }

    [
        std::thread::spawn(seen).join().unwrap(),
        nested_fn(),
        nested_async_fn().await,
        Helper.nested_method(),
    ]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let ctx = RequestCtx::builder().request_id("r-1".to_owned()).build();
    let [own, nested_fn, nested_async_fn, nested_method] = ctx.scope(outer()).await;
    assert_eq!(
        own.as_deref(),
        Some("r-1"),
        "the body's own spawn is rewritten"
    );
    assert_eq!(nested_fn, None, "a nested fn is not rewritten");
    assert_eq!(nested_async_fn, None, "a nested async fn is not rewritten");
    assert_eq!(nested_method, None, "a nested impl is not rewritten");
}
