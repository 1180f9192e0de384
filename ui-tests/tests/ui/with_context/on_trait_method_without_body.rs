// `#[with_context]` on a trait method without a body is refused (nothing to rewrite), and the declaration is still emitted.
use context_runtime::with_context;

trait Worker {
    #[with_context]
    fn run(&self) -> u64;
}

struct Mailer;

impl Worker for Mailer {
    fn run(&self) -> u64 {
        1
    }
}

fn main() {
    assert_eq!(Mailer.run(), 1);
}
