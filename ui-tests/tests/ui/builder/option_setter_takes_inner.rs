// The setter of an `Option<T>` field takes `T`: passing `Some(..)` is a type error (use `maybe_<field>`).
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    user: Option<String>,
}

fn main() {
    let _ = RequestCtx::builder().user(Some("alice".to_owned())).build();
}
