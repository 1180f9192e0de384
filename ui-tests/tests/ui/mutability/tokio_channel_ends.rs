// Every end of tokio's channels is refused: `broadcast`, `oneshot` and `mpsc` (also the weak and unbounded ones), and a `watch::Ref` borrow.
use context_runtime::RequestContext;
use tokio::sync::{broadcast, mpsc, oneshot, watch};

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    news: broadcast::Sender<u8>,
    reply: oneshot::Receiver<u8>,
    jobs: mpsc::UnboundedSender<u8>,
    weak_jobs: mpsc::WeakSender<u8>,
    seen: watch::Ref<'static, u8>,
}

fn main() {}
