// `tokio::spawn` of something that is not a future is refused at the user's call, by tokio's bound.
use context_runtime::with_context;

#[with_context]
async fn enqueue() {
    let _ = tokio::spawn(42);
}

fn main() {
    let _ = enqueue();
}
