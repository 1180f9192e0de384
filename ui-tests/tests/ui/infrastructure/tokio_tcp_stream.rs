// A `tokio::net::TcpStream` is refused: a socket is not a fact about the request.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    sock: tokio::net::TcpStream,
}

fn main() {}
