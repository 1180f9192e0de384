// `#[with_context]` on a struct is refused at the struct, and the struct is still emitted: using it below raises no second error.
use context_runtime::with_context;

#[with_context]
pub struct Job {
    id: u64,
}

fn main() {
    let job = Job { id: 1 };
    let _ = job.id;
}
