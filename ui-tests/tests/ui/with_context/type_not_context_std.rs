// A named type that is not a request context (`String`) is refused at its name, even in a function that spawns nothing.
use context_runtime::with_context;

#[with_context(String)]
fn enqueue() -> u64 {
    1
}

fn main() {
    assert_eq!(enqueue(), 1);
}
