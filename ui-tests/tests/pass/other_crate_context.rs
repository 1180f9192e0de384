// Contexts declared in another crate (`context_ui_tests::contexts`) are built, extracted, scoped and read without importing the `RequestContext` trait.
use std::collections::HashMap;

use context_ui_tests::contexts::{JobCtx, RequestCtx, RequestCtxBuilder};

fn fresh() -> RequestCtxBuilder {
    RequestCtx::builder()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), context_runtime::CarrierError> {
    let ctx = fresh().request_id("r-1".to_owned()).tenant(7).build();
    let read = ctx
        .scope(async {
            let current = RequestCtx::current();
            assert!(RequestCtx::try_current().is_some());
            assert_eq!(RequestCtx::try_with(|c| c.user().cloned()), Some(None));
            (
                current.request_id().clone(),
                RequestCtx::with(|c| *c.tenant()),
            )
        })
        .await;
    assert_eq!(read, ("r-1".to_owned(), 7));

    let carrier = HashMap::from([("baggage".to_owned(), "request_id=r-2".to_owned())]);
    let received = RequestCtx::extract(&carrier)?.tenant(8).build();
    assert_eq!(received.request_id(), "r-2");

    let job = JobCtx::builder().job("j-1".to_owned()).tenant(9).build();
    let tenant = job.sync_scope(|| JobCtx::with(|c| *c.tenant()));
    assert_eq!(tenant, 9);
    Ok(())
}
