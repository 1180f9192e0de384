/// A generic struct cannot be a context: the error, then a stub whose bodies never run, so the
/// uses of the type compile and the error is the only one.
#[derive(RequestContext)]
pub struct RequestCtx<T: Clone> {
    tenant: T,
    user: Option<String>,
}
