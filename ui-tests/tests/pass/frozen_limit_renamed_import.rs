// KNOWN LIMIT, pinned on purpose: a type imported under another name (`use std::sync::Mutex as Lock`) is accepted. The derive sees `Lock`, and it cannot resolve imports: refusing every unknown name would refuse the user's own types.
// The same holds for a well-known type reached through a path of the user's own (`crate::Lock` for a `pub use std::sync::Mutex as Lock` at the root): `crate::`, `self::` and `super::` are how a user says "this type is mine", and the derive takes their word.
// The `Send + Sync` assertion still runs, so a renamed `Cell` or `RefCell` is refused by that one. If the check ever resolves imports, this case starts failing: move it to `tests/ui/mutability/`.
use context_runtime::RequestContext;
use std::sync::Mutex as Lock;

#[derive(RequestContext)]
pub struct RequestCtx {
    tenant: u64,
    hits: Lock<u8>,
}

fn main() {
    let ctx = RequestCtx::builder().tenant(7).hits(Lock::new(0)).build();
    *ctx.hits().lock().unwrap() += 1;
    assert_eq!(*ctx.hits().lock().unwrap(), 1);
}
