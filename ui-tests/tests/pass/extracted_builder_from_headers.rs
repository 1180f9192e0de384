// A helper names what `extract` returns (`RequestCtxExtractedBuilder`) and reads it from an `http::HeaderMap`; another module finishes the builder with the local fields.
mod context {
    use context_runtime::RequestContext;

    #[derive(RequestContext)]
    pub struct RequestCtx {
        #[context(propagate)]
        request_id: String,
        #[context(propagate)]
        tenant: u64,
        #[context(propagate, default)]
        attempt: u32,
        handler: String,
        user: Option<String>,
    }
}

mod edge {
    use context_runtime::{Carrier, CarrierError};

    use crate::context::{RequestCtx, RequestCtxExtractedBuilder};

    /// The headers as a carrier. (With context-runtime's `http` feature, `http::HeaderMap` is a
    /// `Carrier` itself; these cases are compiled without it.)
    struct Headers<'a>(&'a http::HeaderMap);

    impl Carrier for Headers<'_> {
        fn get_all(&self, key: &str, f: &mut dyn FnMut(&str)) {
            for value in self.0.get_all(key) {
                if let Ok(value) = value.to_str() {
                    f(value);
                }
            }
        }

        fn set(&mut self, _: &str, _: String) {}
    }

    pub fn from_headers(h: &http::HeaderMap) -> Result<RequestCtxExtractedBuilder, CarrierError> {
        RequestCtx::extract(&Headers(h))
    }
}

mod handlers {
    use crate::context::{RequestCtx, RequestCtxExtractedBuilder};

    pub fn finish(received: RequestCtxExtractedBuilder, handler: &str) -> RequestCtx {
        received
            .handler(handler.to_owned())
            .user("alice".to_owned())
            .build()
    }
}

fn main() -> Result<(), context_runtime::CarrierError> {
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "baggage",
        http::HeaderValue::from_static("request_id=r-1,tenant=7"),
    );
    let ctx = handlers::finish(edge::from_headers(&headers)?, "checkout");
    assert_eq!(ctx.request_id(), "r-1");
    assert_eq!(*ctx.tenant(), 7);
    assert_eq!(*ctx.attempt(), 0);
    assert_eq!(ctx.handler(), "checkout");
    assert_eq!(ctx.user().map(String::as_str), Some("alice"));

    assert!(edge::from_headers(&http::HeaderMap::new()).is_err());
    Ok(())
}
