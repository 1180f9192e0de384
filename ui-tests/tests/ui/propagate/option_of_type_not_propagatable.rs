// An `Option<_>` field is propagated through its inner type: `Option<Region>` needs `Region: Display + FromStr`.
use context_runtime::RequestContext;

#[derive(Debug)]
pub struct Region {
    pub code: u8,
}

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(propagate)]
    region: Option<Region>,
}

fn main() {}
