// A context with zero fields (`struct Empty {}`) derives: `builder().build()`, scopes and `Debug` work.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct Empty {}

fn main() {
    let empty = Empty::builder().build();
    assert_eq!(format!("{empty:?}"), "Empty");
    assert!(Empty::try_current().is_none());
    assert!(empty.sync_scope(|| Empty::try_current().is_some()));
}
