// `#[context(crate = path)]` names the runtime crate: the plain path and a renamed `extern crate` both work.
extern crate context_runtime as renamed;

use renamed::RequestContext;

#[derive(RequestContext)]
#[context(crate = context_runtime)]
pub struct Plain {
    tenant: u64,
}

#[derive(RequestContext)]
#[context(crate = renamed)]
pub struct Renamed {
    tenant: u64,
    user: Option<String>,
}

fn main() {
    let plain = Plain::builder().tenant(1).build();
    assert_eq!(plain.sync_scope(|| *Plain::current().tenant()), 1);

    let renamed = Renamed::builder().tenant(2).build();
    assert_eq!(
        renamed.sync_scope(|| Renamed::with(|c| (*c.tenant(), c.user().cloned()))),
        (2, None)
    );
    assert!(Renamed::try_current().is_none());
}
