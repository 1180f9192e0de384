/// Facts about one request, set once at the edge.
#[derive(RequestContext)]
pub struct RequestCtx {
    /// The request's id.
    #[context(log)]
    request_id: String,
    #[context(log)]
    user: Option<String>,
    #[context(default = 1)]
    attempt: u32,
    #[context(sensitive)]
    token: String,
}
