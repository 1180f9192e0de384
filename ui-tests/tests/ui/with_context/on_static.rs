// `#[with_context]` on a `static` is refused at the item, and the static is still emitted: using it below raises no second error.
use context_runtime::with_context;

#[with_context]
static QUEUE_NAME: &str = "jobs";

fn main() {
    assert_eq!(QUEUE_NAME, "jobs");
}
