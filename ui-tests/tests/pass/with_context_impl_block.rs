// `#[with_context]` on a whole impl block rewrites every function in it: async and sync methods, associated fns, generic methods.
use context_runtime::{RequestContext, with_context};

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
}

fn seen() -> Option<String> {
    RequestCtx::try_with(|c| c.request_id().clone())
}

pub struct OrderService;

#[with_context]
impl OrderService {
    const NAME: &'static str = "orders";

    pub async fn place(&self) -> Option<String> {
        tokio::spawn(async { seen() }).await.unwrap()
    }

    pub fn place_sync(&self) -> Option<String> {
        std::thread::spawn(seen).join().unwrap()
    }

    fn background() -> Option<String> {
        std::thread::spawn(seen).join().unwrap()
    }

    fn generic<T: Send + 'static>(&self, value: T) -> (T, Option<String>) {
        std::thread::spawn(move || (value, seen())).join().unwrap()
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    assert_eq!(OrderService::NAME, "orders");
    let ctx = RequestCtx::builder().request_id("r-1".to_owned()).build();
    assert_eq!(
        ctx.scope(OrderService.place()).await.as_deref(),
        Some("r-1")
    );

    let ctx = RequestCtx::builder().request_id("r-2".to_owned()).build();
    let (sync, assoc, (value, generic)) = ctx.sync_scope(|| {
        (
            OrderService.place_sync(),
            OrderService::background(),
            OrderService.generic(7_u8),
        )
    });
    assert_eq!(sync.as_deref(), Some("r-2"));
    assert_eq!(assoc.as_deref(), Some("r-2"));
    assert_eq!((value, generic.as_deref()), (7, Some("r-2")));
}
