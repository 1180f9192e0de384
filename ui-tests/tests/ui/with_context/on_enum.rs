// `#[with_context]` on an enum is refused at the enum, and the enum is still emitted: using it below raises no second error.
use context_runtime::with_context;

#[with_context]
pub enum Job {
    Email,
    Export { rows: u64 },
}

fn main() {
    let job = Job::Export { rows: 1 };
    let _ = matches!(job, Job::Email);
}
