// A `std::net::TcpListener` is refused.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    listener: std::net::TcpListener,
}

fn main() {}
