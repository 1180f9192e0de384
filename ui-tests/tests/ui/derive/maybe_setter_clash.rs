// A field named `maybe_user` would clash with the `maybe_user` setter of the optional field `user`.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    user: Option<String>,
    maybe_user: bool,
}

fn main() {}
