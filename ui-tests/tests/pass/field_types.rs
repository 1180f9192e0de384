// Owned, shared and `'static` field types are accepted: `&'static str`, `Arc<str>`, `Vec<String>`, `HashMap`, tuples, arrays.
use std::collections::HashMap;
use std::sync::Arc;

use context_runtime::RequestContext;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Plan {
    Free,
    Pro,
}

#[derive(RequestContext)]
pub struct RequestCtx {
    service: &'static str,
    user: Arc<str>,
    roles: Vec<String>,
    limits: HashMap<String, u64>,
    plan: Plan,
    span: (u64, u64),
    digest: [u8; 4],
    label: Option<&'static str>,
    #[context(default)]
    tags: Vec<(String, String)>,
}

fn main() {
    let limits = HashMap::from([("rps".to_owned(), 100)]);
    let ctx = RequestCtx::builder()
        .service("billing")
        .user(Arc::from("alice"))
        .roles(vec!["admin".to_owned(), "viewer".to_owned()])
        .limits(limits)
        .plan(Plan::Pro)
        .span((1, 2))
        .digest([0xde, 0xad, 0xbe, 0xef])
        .label("canary")
        .build();
    assert_eq!(*ctx.service(), "billing");
    assert_eq!(&**ctx.user(), "alice");
    assert_eq!(ctx.roles().len(), 2);
    assert_eq!(ctx.limits().get("rps"), Some(&100));
    assert_eq!(*ctx.plan(), Plan::Pro);
    assert_ne!(*ctx.plan(), Plan::Free);
    assert_eq!(*ctx.span(), (1, 2));
    assert_eq!(ctx.digest()[0], 0xde);
    assert_eq!(ctx.label(), Some(&"canary"));
    assert!(ctx.tags().is_empty());

    let roles = ctx.sync_scope(|| RequestCtx::with(|c| c.roles().join(",")));
    assert_eq!(roles, "admin,viewer");
}
