// `#[with_context]` on one method of an impl block (async with `&self`, sync, associated fn) rewrites that method only; an unannotated sibling is left alone.
use context_runtime::{RequestContext, with_context};

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
}

fn seen() -> Option<String> {
    RequestCtx::try_with(|c| c.request_id().clone())
}

pub struct OrderService {
    name: &'static str,
}

impl OrderService {
    #[with_context]
    pub async fn place(&self) -> (&'static str, Option<String>) {
        let name = self.name;
        tokio::spawn(async move { (name, seen()) }).await.unwrap()
    }

    #[with_context]
    pub(crate) fn place_sync(&self) -> Option<String> {
        std::thread::spawn(seen).join().unwrap()
    }

    #[with_context]
    fn background() -> Option<String> {
        std::thread::spawn(seen).join().unwrap()
    }

    fn without_attribute(&self) -> Option<String> {
        std::thread::spawn(seen).join().unwrap()
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let service = OrderService { name: "orders" };
    let ctx = RequestCtx::builder().request_id("r-1".to_owned()).build();
    let (name, seen_async) = ctx.scope(service.place()).await;
    assert_eq!((name, seen_async.as_deref()), ("orders", Some("r-1")));

    let ctx = RequestCtx::builder().request_id("r-2".to_owned()).build();
    let (sync, assoc, plain) = ctx.sync_scope(|| {
        (
            service.place_sync(),
            OrderService::background(),
            service.without_attribute(),
        )
    });
    assert_eq!(sync.as_deref(), Some("r-2"));
    assert_eq!(assoc.as_deref(), Some("r-2"));
    assert_eq!(plain, None);
}
