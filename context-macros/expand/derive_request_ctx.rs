/// Facts about one request, set once at the edge.
#[derive(RequestContext)]
pub struct RequestCtx {
    /// The request's id.
    #[context(log, propagate)]
    request_id: String,
    #[context(log, propagate)]
    user: Option<String>,
    #[context(default = 1, propagate)]
    attempt: u32,
    #[context(sensitive)]
    token: String,
}
