// A `#[context(propagate)]` field whose type has neither `Display` nor `FromStr`: it cannot be written to, or read back from, a carrier.
use context_runtime::RequestContext;

#[derive(Debug)]
pub struct Region {
    pub code: u8,
}

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(propagate)]
    region: Region,
}

fn main() {}
