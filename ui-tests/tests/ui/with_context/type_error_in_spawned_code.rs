// A type error inside the user's spawned code is reported at the user's code, not at the macro.
use context_runtime::with_context;

#[with_context]
async fn enqueue() {
    let _ = tokio::spawn(async {
        let attempts: u8 = "no";
        attempts
    });
}

fn main() {
    let _ = enqueue();
}
