/// Facts about one request, set once at the edge.
#[derive(RequestContext)]
pub struct RequestCtx {
    /// The request's id.
    request_id: String,
    user: Option<String>,
    #[context(default = 1)]
    attempt: u32,
    #[context(sensitive)]
    token: String,
}
