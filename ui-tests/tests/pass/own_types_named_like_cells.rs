// A type of the user's own that happens to be called `Cell` is accepted when spelled with its path.
use context_runtime::RequestContext;

mod geo {
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Cell(pub u64);
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub enum AtomicityLevel {
        Strict,
    }
}

#[derive(RequestContext)]
pub struct RequestCtx {
    cell: geo::Cell,
    level: AtomicityLevel,
}

use geo::AtomicityLevel;

fn main() {
    let ctx = RequestCtx::builder().cell(geo::Cell(4)).level(AtomicityLevel::Strict).build();
    assert_eq!(*ctx.cell(), geo::Cell(4));
    assert_eq!(*ctx.level(), AtomicityLevel::Strict);
}
