// A type error inside the user's thread closure is reported at the user's code, not at the macro.
use context_runtime::with_context;

#[with_context]
fn enqueue() {
    let _ = std::thread::spawn(|| {
        let attempts: u8 = "no";
        attempts
    });
}

fn main() {
    enqueue();
}
