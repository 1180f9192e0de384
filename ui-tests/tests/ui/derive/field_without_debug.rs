// Every non-`sensitive` field must implement `Debug`: the generated `Debug` impl prints it (the error points at the field).
use context_runtime::RequestContext;

pub struct Region(u8);

#[derive(RequestContext)]
pub struct RequestCtx {
    region: Region,
}

fn main() {
    let _ = RequestCtx::builder().region(Region(1)).build();
}
