// `#[with_context]` on `mod name;` (body in another file) is refused: the attribute cannot see the body; the module is still emitted.
use context_runtime::with_context;

#[with_context]
#[path = "support/jobs.rs"]
mod jobs;

fn main() {
    jobs::enqueue();
}
