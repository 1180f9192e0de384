// A type of the user's own that happens to be called `Cell` (or `Mutex`, in a module named `sync`) is accepted when spelled with its path: through a module of the crate (`geo::Cell`) or from the crate root (`crate::sync::Mutex`).
use context_runtime::RequestContext;

mod geo {
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Cell(pub u64);
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub enum AtomicityLevel {
        Strict,
    }
}

mod sync {
    /// A plain value, named like the lock.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Mutex(pub u8);
}

#[derive(RequestContext)]
pub struct RequestCtx {
    cell: geo::Cell,
    level: AtomicityLevel,
    home: crate::geo::Cell,
    mode: crate::sync::Mutex,
}

use geo::AtomicityLevel;

fn main() {
    let ctx = RequestCtx::builder()
        .cell(geo::Cell(4))
        .level(AtomicityLevel::Strict)
        .home(geo::Cell(5))
        .mode(sync::Mutex(1))
        .build();
    assert_eq!(*ctx.cell(), geo::Cell(4));
    assert_eq!(*ctx.level(), AtomicityLevel::Strict);
    assert_eq!(*ctx.home(), geo::Cell(5));
    assert_eq!(*ctx.mode(), sync::Mutex(1));
}
