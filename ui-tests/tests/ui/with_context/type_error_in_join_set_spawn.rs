// A type error inside a future given to `JoinSet::spawn` (a call that takes a future or a closure) is reported at the user's code only.
use context_runtime::with_context;
use tokio::task::JoinSet;

#[with_context]
async fn enqueue() {
    let mut set = JoinSet::new();
    set.spawn(async {
        let attempts: u8 = "no";
        attempts
    });
}

fn main() {
    let _ = enqueue();
}
