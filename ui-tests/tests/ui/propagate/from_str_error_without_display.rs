// A propagated field's `FromStr::Err` has no `Display`: a carrier's bad value could not be reported.
use std::fmt;
use std::str::FromStr;

use context_runtime::RequestContext;

#[derive(Debug)]
pub struct Region(u8);

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}

#[derive(Debug)]
pub struct BadRegion;

impl FromStr for Region {
    type Err = BadRegion;

    fn from_str(s: &str) -> Result<Self, BadRegion> {
        s.strip_prefix('r')
            .and_then(|n| n.parse().ok())
            .map(Region)
            .ok_or(BadRegion)
    }
}

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(propagate)]
    region: Region,
}

fn main() {}
