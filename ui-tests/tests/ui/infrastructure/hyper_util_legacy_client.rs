// An HTTP client (hyper-util's legacy pooled `Client`) is refused: the code that calls another service takes the client as a dependency.
use context_runtime::RequestContext;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    http: Client<HttpConnector, String>,
}

fn main() {}
