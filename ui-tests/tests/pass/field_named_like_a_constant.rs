// A constant and a unit struct named like propagated fields, in scope where the context is derived: the generated `from_baggage` binds its own locals, never a pattern that would match them.
#![allow(non_upper_case_globals, non_camel_case_types)]

use context_runtime::RequestContext;
use std::collections::HashMap;

const tenant: u64 = 1;
struct region;

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(propagate)]
    tenant: u64,
    #[context(propagate)]
    region: Option<String>,
}

fn main() {
    let _ = (tenant, region);
    let carrier = HashMap::from([("baggage".to_owned(), "tenant=7,region=eu".to_owned())]);
    let ctx = RequestCtx::extract(&carrier).expect("both fields").build();
    assert_eq!(*ctx.tenant(), 7);
    assert_eq!(ctx.region().map(String::as_str), Some("eu"));
}
