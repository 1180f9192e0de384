// `JoinSet::spawn` of something that is neither a future nor a closure is refused at the user's argument, saying so.
use context_runtime::with_context;
use tokio::task::JoinSet;

#[with_context]
async fn enqueue() {
    let mut set: JoinSet<()> = JoinSet::new();
    set.spawn(42);
}

fn main() {
    let _ = enqueue();
}
