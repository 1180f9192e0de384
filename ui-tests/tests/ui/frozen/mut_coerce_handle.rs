// `&mut Current<RequestCtx>` does not coerce to `&mut RequestCtx`: no `DerefMut` to coerce through.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() {
    let mut c = RequestCtx::current();
    let r: &mut RequestCtx = &mut c;
    let _ = r.tenant();
}
