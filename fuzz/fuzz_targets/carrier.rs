//! Untrusted input on the way in: a `baggage` header (or job payload) and an `x-request-id`.
//! Nothing may panic; what parses must render and parse back to the same thing; a context
//! extracted from it holds exactly what the baggage said.

#![no_main]

use context_runtime::{Baggage, CarrierError, RequestContext, RequestId};
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

#[derive(RequestContext)]
struct Ctx {
    #[context(propagate)]
    request_id: RequestId,
    #[context(propagate)]
    tenant: u64,
    #[context(propagate)]
    user: Option<String>,
    #[context(propagate, default = 1)]
    attempt: u32,
    #[context(sensitive)]
    token: String,
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);

    // The parser: what parses renders to a list that parses back equal (when the rendering,
    // which may be longer than the input, still fits the limit).
    if let Ok(baggage) = Baggage::parse(&text) {
        assert!(baggage.len() <= Baggage::MAX_ENTRIES);
        let rendered = baggage.to_string();
        assert!(
            rendered.bytes().all(|b| b.is_ascii_graphic()),
            "{rendered:?}"
        );
        match Baggage::parse(&rendered) {
            Ok(again) => assert_eq!(again, baggage, "{rendered:?}"),
            Err(CarrierError::TooLarge { .. }) => assert!(rendered.len() > Baggage::MAX_LEN),
            Err(error) => panic!("{rendered:?} does not parse back: {error}"),
        }
    }

    // A context from HTTP headers: the raw bytes as a header, split in two headers too.
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_bytes(data) {
        headers.append("baggage", value);
    }
    if let Ok(builder) = Ctx::extract(&headers) {
        let ctx = builder.token(String::new()).build();
        let baggage = Baggage::extract(&headers).expect("extract parsed it");
        assert_eq!(baggage.get("request_id"), Some(ctx.request_id().as_str()));
        assert_eq!(
            baggage.get("tenant").map(str::parse),
            Some(Ok(*ctx.tenant()))
        );
        assert_eq!(baggage.get("user"), ctx.user().map(String::as_str));

        // ... and it goes out again as it came in (unless its encoding grew past the limit:
        // `%FF` comes back as the three bytes of U+FFFD).
        let mut out = HeaderMap::new();
        match ctx.inject(&mut out) {
            Ok(()) => {
                let again = Ctx::extract(&out).expect("our own baggage");
                let again = again.token(String::new()).build();
                assert_eq!(again.request_id(), ctx.request_id());
                assert_eq!(
                    (again.tenant(), again.user(), again.attempt()),
                    (ctx.tenant(), ctx.user(), ctx.attempt())
                );
            }
            Err(CarrierError::TooLarge { len }) => assert!(len > Baggage::MAX_LEN),
            Err(error) => panic!("could not send back what came in: {error}"),
        }
    }

    // x-request-id: accepted exactly as sent, or not at all.
    if let Some(id) = RequestId::parse(data) {
        assert_eq!(id.as_str().as_bytes(), data);
        assert!((1..=RequestId::MAX_LEN).contains(&data.len()));
        assert!(data.iter().all(u8::is_ascii_graphic));
    }
});
