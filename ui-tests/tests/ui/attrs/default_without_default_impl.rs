// `#[context(default)]` on a type without a `Default` impl is an error pointing at `default`.
use context_runtime::RequestContext;

#[derive(Debug)]
pub struct Region(u8);

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(default)]
    region: Region,
}

fn main() {
    let _ = RequestCtx::builder().region(Region(1)).build();
}
