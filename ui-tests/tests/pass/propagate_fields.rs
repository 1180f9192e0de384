// Every kind of field propagated (required, `Option`, `default`, `default = expr`, with `log`): inject into a map, extract, set the local fields, build.
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use context_runtime::{Baggage, CarrierError, RequestContext};

#[derive(RequestContext)]
pub struct RequestCtx {
    #[context(propagate, log)]
    request_id: String,
    #[context(propagate)]
    tenant: u64,
    #[context(propagate)]
    user: Option<String>,
    #[context(propagate)]
    client: Option<IpAddr>,
    #[context(propagate, default)]
    attempt: u32,
    #[context(propagate, default = 3)]
    max_attempts: u32,
    #[context(propagate)]
    sampled: bool,
    // Local to this process: set after `extract`.
    handler: String,
    #[context(default)]
    retries_here: u8,
    #[context(sensitive)]
    token: Option<String>,
}

fn main() -> Result<(), CarrierError> {
    let sent = RequestCtx::builder()
        .request_id("r 1".to_owned())
        .tenant(7)
        .user("alice".to_owned())
        .attempt(2)
        .sampled(true)
        .handler("checkout".to_owned())
        .token("s3cr3t".to_owned())
        .build();
    let mut carrier: HashMap<String, String> = HashMap::new();
    sent.inject(&mut carrier)?;
    assert_eq!(
        carrier["baggage"],
        "request_id=r%201,tenant=7,user=alice,attempt=2,max_attempts=3,sampled=true"
    );

    // The propagated fields come from the carrier; the local ones are set here.
    let received = RequestCtx::extract(&carrier)?
        .handler("worker".to_owned())
        .retries_here(1)
        .build();
    assert_eq!(received.request_id(), "r 1");
    assert_eq!(*received.tenant(), 7);
    assert_eq!(received.user().map(String::as_str), Some("alice"));
    assert_eq!(received.client(), None);
    assert_eq!(*received.attempt(), 2);
    assert_eq!(*received.max_attempts(), 3);
    assert!(*received.sampled());
    assert_eq!(received.handler(), "worker");
    assert_eq!(*received.retries_here(), 1);
    assert_eq!(received.token(), None);

    // A `default` field absent from the carrier takes its default; an `Option` one is `None`.
    let carrier = BTreeMap::from([(
        "baggage".to_owned(),
        "request_id=r-2,tenant=8,sampled=false,client=10.0.0.1".to_owned(),
    )]);
    let received = RequestCtx::extract(&carrier)?
        .handler("h".to_owned())
        .build();
    assert_eq!(received.user(), None);
    assert_eq!(received.client(), Some(&IpAddr::from([10, 0, 0, 1])));
    assert_eq!(*received.attempt(), 0);
    assert_eq!(*received.max_attempts(), 3);

    // From baggage already parsed, then written back with its other entries kept.
    let mut baggage = Baggage::parse("vendor=x,request_id=r-3,tenant=9,sampled=true");
    let ctx = RequestCtx::from_baggage(&baggage)?
        .handler("h".to_owned())
        .token("t".to_owned())
        .build();
    ctx.write_baggage(&mut baggage)?;
    assert!(
        baggage
            .to_string()
            .starts_with("vendor=x,request_id=r-3,tenant=9,")
    );

    // A missing required field is a runtime error naming it.
    let one_missing = HashMap::from([("baggage".to_owned(), "tenant=7,sampled=true".to_owned())]);
    let error = RequestCtx::extract(&one_missing).err().unwrap();
    assert!(matches!(
        error,
        CarrierError::Missing {
            field: "request_id"
        }
    ));
    // Several: one error naming them all, in field order.
    let empty: HashMap<String, String> = HashMap::new();
    let error = RequestCtx::extract(&empty).err().unwrap();
    assert!(matches!(error, CarrierError::Fields { .. }));
    assert_eq!(
        error.fields().collect::<Vec<_>>(),
        ["request_id", "tenant", "sampled"]
    );
    Ok(())
}
