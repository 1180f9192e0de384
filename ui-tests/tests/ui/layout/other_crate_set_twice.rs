// A context declared in another crate, with `tenant` set twice.
use context_ui_tests::contexts::RequestCtx;

fn main() {
    let _ = RequestCtx::builder()
        .tenant(7)
        .request_id("r-1".to_owned())
        .tenant(8)
        .build();
}
