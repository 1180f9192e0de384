// `crate = path` given twice is refused at the second one; the function is still emitted.
use context_runtime::with_context;

#[with_context(crate = context_runtime, crate = context_runtime)]
async fn enqueue() -> u64 {
    tokio::spawn(async { 1 }).await.unwrap()
}

fn main() {
    let _ = enqueue();
}
