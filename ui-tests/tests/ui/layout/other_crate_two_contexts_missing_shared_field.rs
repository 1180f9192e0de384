// Two contexts of another crate share the field name `tenant`; each built without it names `tenant` and its own context.
use context_ui_tests::contexts::{JobCtx, RequestCtx};

fn main() {
    let _ = RequestCtx::builder().request_id("r-1".to_owned()).build();
    let _ = JobCtx::builder().job("j-1".to_owned()).build();
}
