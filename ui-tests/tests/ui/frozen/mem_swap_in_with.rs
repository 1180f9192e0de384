// `std::mem::swap` cannot exchange the current value through `with`: it needs `&mut`, `with` gives `&Current<_>`.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
}

fn main() {
    let mut other = RequestCtx::builder().tenant(8).build();
    RequestCtx::with(|c| std::mem::swap(c, &mut other));
}
