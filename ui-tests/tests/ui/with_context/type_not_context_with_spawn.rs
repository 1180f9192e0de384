// A named type that is not a request context is refused once, at its name, also when the body spawns (no second error at the spawn call).
use context_runtime::with_context;

#[with_context(String)]
async fn enqueue() -> u64 {
    tokio::spawn(async { 1 }).await.unwrap()
}

fn main() {
    let _ = enqueue();
}
