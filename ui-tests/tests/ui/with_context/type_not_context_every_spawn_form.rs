// Named types that are not request contexts (one by name, one by a multi-segment path, beside a real context) are refused once each, at their names: not again at the spawn calls, whatever these spawn (futures, closures, a thread, `JoinSet` tasks) and in however many methods.
use context_runtime::{RequestContext, with_context};

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
}

pub struct Jobs;

#[with_context(RequestCtx, String, std::vec::Vec<u8>)]
impl Jobs {
    async fn run(&self) -> u64 {
        let mut set = tokio::task::JoinSet::new();
        set.spawn(async { 1 });
        set.spawn_blocking(|| 2);
        tokio::spawn(async { 3 }).await.unwrap() + tokio::task::spawn_blocking(|| 4).await.unwrap()
    }

    fn run_thread(&self) -> u64 {
        std::thread::spawn(|| 5).join().unwrap()
    }
}

fn main() {
    let _ = Jobs.run();
    let _ = Jobs.run_thread();
    let _ = RequestCtx::builder().request_id(String::new()).build();
}
