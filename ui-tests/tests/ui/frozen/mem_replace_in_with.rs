// `std::mem::replace` cannot swap in another value through `with`: it needs `&mut`, `with` gives `&Current<_>`.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() {
    let other = RequestCtx::builder().tenant(8).build();
    let _ = RequestCtx::with(|c| std::mem::replace(c, other));
}
