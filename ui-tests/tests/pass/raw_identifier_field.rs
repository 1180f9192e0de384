// Raw identifier fields (`r#type`) get raw getters and setters; `maybe_` setters and `Debug` use the unraw name.
use context_runtime::RequestContext;

#[derive(RequestContext)]
pub struct RequestCtx {
    r#type: String,
    r#match: Option<u8>,
    #[context(default = 4)]
    r#loop: u8,
}

fn main() {
    let ctx = RequestCtx::builder()
        .r#type("json".to_owned())
        .maybe_match(Some(1))
        .build();
    assert_eq!(ctx.r#type(), "json");
    assert_eq!(ctx.r#match(), Some(&1));
    assert_eq!(*ctx.r#loop(), 4);
    assert_eq!(
        format!("{ctx:?}"),
        r#"RequestCtx { type: "json", match: Some(1), loop: 4 }"#
    );
}
