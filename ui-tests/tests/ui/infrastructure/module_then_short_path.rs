// A socket spelled through its imported module (`use std::net; net::UdpSocket`) is refused: `net` is a known root.
use context_runtime::RequestContext;
use std::net;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    sock: net::UdpSocket,
}

fn main() {}
