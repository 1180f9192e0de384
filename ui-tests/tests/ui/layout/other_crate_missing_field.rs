// A context declared in another crate (`context_ui_tests::contexts`), built without its required `tenant`.
use context_ui_tests::contexts::RequestCtx;

fn main() {
    let _ = RequestCtx::builder().request_id("r-1".to_owned()).build();
}
