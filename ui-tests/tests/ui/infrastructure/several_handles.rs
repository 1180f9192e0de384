// Several infrastructure handles in one struct are all reported in one compile, each at its type.
use context_runtime::RequestContext;
use rusqlite::Connection;
use tokio::net::TcpStream;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    db: Connection,
    sock: TcpStream,
    log: std::fs::File,
    runtime: tokio::runtime::Handle,
}

fn main() {}
