// A type of the user's own named like an infrastructure handle (`Client`) is refused when written bare, as an imported `reqwest::Client` would be: the message says to write its path from the crate root (`crate::Client`, accepted: `tests/pass/own_types_named_like_infrastructure.rs`).
use context_runtime::RequestContext;

/// The calling application, as it announced itself.
#[derive(Debug)]
pub struct Client {
    pub name: String,
}

#[derive(RequestContext)]
pub struct RequestCtx {
    request_id: String,
    client: Client,
}

fn main() {}
