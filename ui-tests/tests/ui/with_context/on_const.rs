// `#[with_context]` on a `const` is refused at the item, and the const is still emitted: using it below raises no second error.
use context_runtime::with_context;

#[with_context]
const WORKERS: usize = 4;

fn main() {
    assert_eq!(WORKERS, 4);
}
