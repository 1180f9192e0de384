// `std::thread::spawn` of something that is not a closure is refused at the user's argument.
use context_runtime::with_context;

#[with_context]
fn enqueue() {
    let _ = std::thread::spawn(42);
}

fn main() {
    enqueue();
}
