// `default` on an `Option` field is refused: the field may already be left unset (`None`).
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(default)]
    user: Option<String>,
}

fn main() {}
