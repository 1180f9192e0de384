// A propagated field of the user's own type: a newtype with `Display` and `FromStr` is all it takes (also in an `Option`).
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use context_runtime::{CarrierError, RequestContext};

/// A tenant id of our own, sent as `t<number>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TenantId(u32);

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t{}", self.0)
    }
}

impl FromStr for TenantId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let id = s.strip_prefix('t').ok_or("a tenant id starts with `t`")?;
        id.parse().map(TenantId).map_err(|e| format!("{e}"))
    }
}

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(propagate)]
    tenant: TenantId,
    #[context(propagate)]
    parent_tenant: Option<TenantId>,
}

fn main() -> Result<(), CarrierError> {
    let mut carrier: HashMap<String, String> = HashMap::new();
    RequestCtx::builder()
        .tenant(TenantId(7))
        .parent_tenant(TenantId(1))
        .build()
        .inject(&mut carrier)?;
    assert_eq!(carrier["baggage"], "tenant=t7,parent_tenant=t1");

    let ctx = RequestCtx::extract(&carrier)?.build();
    assert_eq!(*ctx.tenant(), TenantId(7));
    assert_eq!(ctx.parent_tenant(), Some(&TenantId(1)));

    // The type's own parse error is the reason.
    let bad = HashMap::from([("baggage".to_owned(), "tenant=7".to_owned())]);
    let error = RequestCtx::extract(&bad).err().unwrap();
    assert_eq!(
        error.to_string(),
        "the carrier's `tenant` could not be read: a tenant id starts with `t`"
    );
    Ok(())
}
