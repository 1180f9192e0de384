// A propagated field's type has `Display` (it can be written) but no `FromStr` (it cannot be read back).
use std::fmt;

use context_runtime::RequestContext;

#[derive(Debug)]
pub struct Region(u8);

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(propagate)]
    region: Region,
}

fn main() {}
