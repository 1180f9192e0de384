//! Carriers: a context with every kind of field (required, `Option` and defaulted propagated
//! fields, a process-local field, a sensitive one) crosses a `HashMap`, a `BTreeMap` and (feature
//! `http`) an `http::HeaderMap` as W3C Baggage and is rebuilt equal; only the propagated fields
//! are ever written (the raw carrier text is checked), first, then baggage of other producers,
//! kept in order and forwarded (trimmed from its end to the W3C limits, never our fields); every
//! `CarrierError` comes back from `extract` for the input that causes it, with a message naming
//! the field, while other producers' entries that are not in the format are left out, never an
//! error; values are percent-encoded; and hostile input never causes a panic.

use std::collections::{BTreeMap, HashMap};

use context_runtime::{BAGGAGE, Baggage, Carrier, CarrierError, RequestContext};

/// The non-propagated field's value: it must never reach a carrier.
const WORKER: &str = "local-worker-5d1e";
/// The sensitive field's value: it must never reach a carrier.
const SECRET: &str = "s3cr3t-c0ffee-token";

/// A job's context: what crosses the boundary and what must not.
#[derive(RequestContext)]
struct JobCtx {
    /// Required, propagated (and logged).
    #[context(log, propagate)]
    request_id: String,
    /// Required, propagated, parsed back from text.
    #[context(propagate)]
    tenant: u64,
    /// Propagated when `Some`.
    #[context(propagate)]
    user: Option<String>,
    /// Propagated; its default when the carrier has none.
    #[context(default = 1, propagate)]
    attempt: u32,
    /// Stays in this process: the receiver supplies its own.
    worker: String,
    /// Never leaves this process.
    #[context(sensitive)]
    token: String,
}

/// A full context: every field set.
fn job() -> JobCtx {
    JobCtx::builder()
        .request_id("r-1".into())
        .tenant(7)
        .user("alice".into())
        .attempt(3)
        .worker(WORKER.into())
        .token(SECRET.into())
        .build()
}

/// The fields a receiver sees, for comparing a rebuilt context with the sent one.
fn propagated(ctx: &JobCtx) -> (String, u64, Option<String>, u32) {
    (
        ctx.request_id().clone(),
        *ctx.tenant(),
        ctx.user().cloned(),
        *ctx.attempt(),
    )
}

/// `extract` at the receiver, which supplies the process-local fields.
fn receive(carrier: &(impl Carrier + ?Sized)) -> Result<JobCtx, CarrierError> {
    Ok(JobCtx::extract(carrier)?
        .worker("receiver".into())
        .token("receiver-token".into())
        .build())
}

/// A `HashMap` carrier whose `baggage` is `list`.
fn carrier(list: &str) -> HashMap<String, String> {
    HashMap::from([(BAGGAGE.to_owned(), list.to_owned())])
}

/// The error `extract` returns for a `HashMap` carrier whose `baggage` is `list`.
fn extract_error(list: &str) -> CarrierError {
    match JobCtx::extract(&carrier(list)) {
        Ok(_) => panic!("{list:?} was extracted"),
        Err(error) => error,
    }
}

/// The single-field errors `error` is made of: those of `Fields`, or itself.
fn field_errors(error: &CarrierError) -> &[CarrierError] {
    match error {
        CarrierError::Fields { errors } => errors,
        single => std::slice::from_ref(single),
    }
}

#[test]
fn a_context_round_trips_through_a_hash_map() {
    let sent = job();
    let mut carrier = HashMap::new();
    sent.inject(&mut carrier).expect("inject");
    assert_eq!(carrier.len(), 1, "{carrier:?}");
    assert_eq!(
        carrier[BAGGAGE],
        "request_id=r-1,tenant=7,user=alice,attempt=3"
    );
    let received = receive(&carrier).expect("extract");
    assert_eq!(propagated(&received), propagated(&sent));
    assert_eq!(received.worker(), "receiver");
    assert_eq!(received.token(), "receiver-token");
}

#[test]
fn a_context_round_trips_through_a_btree_map() {
    let sent = job();
    let mut carrier = BTreeMap::from([("other".to_owned(), "kept".to_owned())]);
    sent.inject(&mut carrier).expect("inject");
    assert_eq!(carrier["other"], "kept");
    assert_eq!(
        carrier[BAGGAGE],
        "request_id=r-1,tenant=7,user=alice,attempt=3"
    );
    assert_eq!(
        propagated(&receive(&carrier).expect("extract")),
        propagated(&sent)
    );
}

#[test]
fn only_propagated_fields_are_written() {
    let mut carrier = HashMap::new();
    job().inject(&mut carrier).expect("inject");
    let raw = format!("{carrier:?}");
    for (what, text) in [
        ("the non-propagated value", WORKER),
        ("the non-propagated name", "worker"),
        ("the sensitive value", SECRET),
        ("the sensitive name", "token"),
    ] {
        assert!(!raw.contains(text), "{what} was written: {raw}");
    }
    let baggage = Baggage::extract(&carrier);
    assert_eq!(
        baggage.iter().map(|(key, _)| key).collect::<Vec<_>>(),
        ["request_id", "tenant", "user", "attempt"]
    );
}

#[test]
fn a_none_option_is_not_written_and_an_absent_one_is_none() {
    let sent = JobCtx::builder()
        .request_id("r-2".into())
        .tenant(8)
        .worker(WORKER.into())
        .token(SECRET.into())
        .build();
    let mut carrier = HashMap::new();
    sent.inject(&mut carrier).expect("inject");
    assert_eq!(carrier[BAGGAGE], "request_id=r-2,tenant=8,attempt=1");
    assert!(!carrier[BAGGAGE].contains("user"));
    let received = receive(&carrier).expect("extract");
    assert_eq!(received.user(), None);
    assert_eq!(propagated(&received), propagated(&sent));

    // `Some("")` is not `None`: it is written, and read back as such.
    let empty = JobCtx::builder()
        .request_id("r-3".into())
        .tenant(9)
        .user(String::new())
        .worker(WORKER.into())
        .token(SECRET.into())
        .build();
    let mut carrier = HashMap::new();
    empty.inject(&mut carrier).expect("inject");
    assert_eq!(carrier[BAGGAGE], "request_id=r-3,tenant=9,user=,attempt=1");
    assert_eq!(
        receive(&carrier).expect("extract").user(),
        Some(&String::new())
    );
}

#[test]
fn a_none_option_removes_a_forged_entry_of_its_name() {
    // A client forged `user=mallory`; this service's context has no user. What crosses under
    // `user` must be what the context says: nothing.
    let mut forwarded = carrier("user=mallory,vendor=x;p,user=eve");
    let anonymous = JobCtx::builder()
        .request_id("r-2".into())
        .tenant(7)
        .worker(WORKER.into())
        .token(SECRET.into())
        .build();
    anonymous.inject(&mut forwarded).unwrap();
    assert_eq!(
        forwarded[BAGGAGE],
        "request_id=r-2,tenant=7,attempt=1,vendor=x;p"
    );

    // ... also when the forged entry was all the carrier held: the key is emptied, not kept.
    let mut forged = carrier("user=mallory");
    anonymous.inject(&mut forged).unwrap();
    assert_eq!(forged[BAGGAGE], "request_id=r-2,tenant=7,attempt=1");
    assert_eq!(receive(&forwarded).unwrap().user(), None);
}

#[test]
fn an_absent_defaulted_field_takes_its_default() {
    let received = receive(&carrier("request_id=r-1,tenant=7")).expect("extract");
    assert_eq!(*received.attempt(), 1);
    let received = receive(&carrier("request_id=r-1,tenant=7,attempt=5")).expect("extract");
    assert_eq!(*received.attempt(), 5);
}

#[test]
fn inject_writes_ours_first_then_keeps_foreign_entries_in_order() {
    let mut carrier = carrier("vendor=x;prop, other = y ;k=v,bad=not encoded,last=%2C");
    job().inject(&mut carrier).expect("inject");
    assert_eq!(
        carrier[BAGGAGE],
        "request_id=r-1,tenant=7,user=alice,attempt=3,vendor=x;prop,other=y;k=v,last=%2C"
    );
    let baggage = Baggage::parse_strict(&carrier[BAGGAGE]).expect("strict W3C baggage");
    assert_eq!(baggage.get("last"), Some(","));
}

#[test]
fn forwarding_keeps_what_was_received() {
    let incoming = carrier("vendor=x;prop,request_id=r-9,tenant=4,bad=\"q\",trace=abc");
    let baggage = Baggage::extract(&incoming);
    assert_eq!(baggage.dropped(), 1);
    let ctx = JobCtx::from_baggage(&baggage)
        .expect("from_baggage")
        .worker(WORKER.into())
        .token(SECRET.into())
        .build();
    assert_eq!(
        propagated(&ctx),
        ("r-9".to_owned(), 4, None, 1),
        "the defaults and `None`s of what was not received"
    );

    // By hand: the received baggage in the outgoing carrier, then the context.
    let mut outgoing = HashMap::new();
    baggage.inject(&mut outgoing).expect("forward");
    ctx.inject(&mut outgoing).expect("inject");
    assert_eq!(
        outgoing[BAGGAGE],
        "request_id=r-9,tenant=4,attempt=1,vendor=x;prop,trace=abc"
    );
    assert_eq!(
        propagated(&receive(&outgoing).expect("extract")),
        propagated(&ctx)
    );

    // Without user code: the received baggage in scope, `inject_current` forwards it.
    let mut outgoing = HashMap::new();
    ctx.sync_scope(|| baggage.sync_scope(|| context_runtime::inject_current(&mut outgoing)))
        .expect("inject_current");
    assert_eq!(
        outgoing[BAGGAGE],
        "request_id=r-9,tenant=4,attempt=1,vendor=x;prop,trace=abc"
    );
}

#[test]
fn entries_named_like_our_fields_are_replaced_not_duplicated() {
    let mut carrier = carrier("tenant=1;old,vendor=x,request_id=stale,tenant=2,user=bob,user=eve");
    job().inject(&mut carrier).expect("inject");
    assert_eq!(
        carrier[BAGGAGE],
        "request_id=r-1,tenant=7,user=alice,attempt=3,vendor=x"
    );
    assert_eq!(
        propagated(&receive(&carrier).expect("no duplicates left")),
        propagated(&job())
    );
}

#[test]
fn a_missing_required_field_is_missing() {
    for (list, field) in [
        ("tenant=7", "request_id"),
        ("request_id=r-1", "tenant"),
        ("vendor=x,tenant=7", "request_id"),
        // Keys are case-sensitive.
        ("REQUEST_ID=r-1,tenant=7", "request_id"),
    ] {
        let error = extract_error(list);
        assert_eq!(error, CarrierError::Missing { field }, "{list:?}");
        assert!(error.to_string().contains(&format!("`{field}`")), "{error}");
        assert_eq!(error.fields().collect::<Vec<_>>(), [field]);
    }
    let error = extract_error("tenant=7");
    assert_eq!(
        error.to_string(),
        "the carrier has no `request_id`: the sender must `inject` a context whose `request_id` \
         is `#[context(propagate)]`"
    );
}

#[test]
fn an_unparsable_value_is_invalid_with_the_reason() {
    for (list, field, reason) in [
        (
            "request_id=r,tenant=seven",
            "tenant",
            "invalid digit found in string",
        ),
        (
            "request_id=r,tenant=-1",
            "tenant",
            "invalid digit found in string",
        ),
        (
            "request_id=r,tenant=",
            "tenant",
            "cannot parse integer from empty string",
        ),
        (
            "request_id=r,tenant=99999999999999999999",
            "tenant",
            "number too large to fit in target type",
        ),
        (
            "request_id=r,tenant=%207",
            "tenant",
            "invalid digit found in string",
        ),
        (
            "request_id=r,tenant=7,attempt=x",
            "attempt",
            "invalid digit found in string",
        ),
    ] {
        let error = extract_error(list);
        assert_eq!(
            error,
            CarrierError::Invalid {
                field,
                reason: reason.to_owned()
            },
            "{list:?}"
        );
        assert_eq!(
            error.to_string(),
            format!("the carrier's `{field}` could not be read: {reason}")
        );
    }
}

#[test]
fn a_repeated_field_is_a_duplicate() {
    for (list, field) in [
        ("request_id=r,tenant=1,tenant=2", "tenant"),
        ("request_id=r,tenant=1,tenant=1", "tenant"),
        ("request_id=r,tenant=1,user=a,user=b", "user"),
        ("request_id=r,tenant=1,attempt=2,attempt=3", "attempt"),
        // The second value does not even parse: still a duplicate, not taken as the first.
        ("request_id=r,tenant=1;p,tenant=x", "tenant"),
        // ... nor is it in the format: still a duplicate, not a pick of the good one.
        ("request_id=r,tenant=1,tenant=1 2", "tenant"),
        ("request_id=r,tenant=\"1\",tenant=1", "tenant"),
    ] {
        let error = extract_error(list);
        assert_eq!(error, CarrierError::Duplicate { field }, "{list:?}");
        assert!(error.to_string().contains(&format!("`{field}`")), "{error}");
    }
    // A foreign key may repeat: the spec allows it.
    assert!(JobCtx::extract(&carrier("request_id=r,tenant=1,v=1,v=2")).is_ok());
}

#[test]
fn our_field_not_in_the_format_is_invalid_and_names_it() {
    for (list, field, reason) in [
        ("request_id=r 1,tenant=7", "request_id", "percent-encoded"),
        ("request_id=\"r\",tenant=7", "request_id", "percent-encoded"),
        ("request_id=r\\1,tenant=7", "request_id", "percent-encoded"),
        ("request_id=é,tenant=7", "request_id", "percent-encoded"),
        ("request_id=r;p q,tenant=7", "request_id", "property"),
        ("request_id=r;=p,tenant=7", "request_id", "property"),
        ("request_id=r;p=\"q\",tenant=7", "request_id", "property"),
        ("request_id=r,tenant=7\n", "tenant", "percent-encoded"),
        ("request_id=r,tenant", "tenant", "`key=value`"),
        ("request_id,tenant=7", "request_id", "`key=value`"),
        ("request_id;p=1,tenant=7", "request_id", "`key=value`"),
    ] {
        let error = extract_error(list);
        let CarrierError::Invalid {
            field: named,
            reason: why,
        } = &error
        else {
            panic!("{list:?}: {error:?}")
        };
        assert_eq!(*named, field, "{list:?}");
        assert!(why.contains(reason), "{list:?}: {why}");
        assert!(
            error
                .to_string()
                .starts_with(&format!("the carrier's `{field}` could not be read: ")),
            "{error}"
        );
    }
}

#[test]
fn two_missing_required_fields_are_one_error_naming_both() {
    let both = CarrierError::Fields {
        errors: vec![
            CarrierError::Missing {
                field: "request_id",
            },
            CarrierError::Missing { field: "tenant" },
        ],
    };
    for list in [
        "",
        "vendor=x",
        "user=alice,attempt=2",
        "REQUEST_ID=r,TENANT=7",
    ] {
        assert_eq!(extract_error(list), both, "{list:?}");
        let btree = BTreeMap::from([(BAGGAGE.to_owned(), list.to_owned())]);
        assert_eq!(
            JobCtx::extract(&btree).err(),
            Some(both.clone()),
            "{list:?}"
        );
    }
    // No `baggage` key at all.
    let error = JobCtx::extract(&HashMap::<String, String>::new())
        .err()
        .expect("an empty carrier");
    assert_eq!(error, both);
    assert_eq!(error.fields().collect::<Vec<_>>(), ["request_id", "tenant"]);
}

#[test]
fn a_missing_and_an_invalid_field_are_one_error() {
    for (list, errors) in [
        (
            "tenant=seven",
            vec![
                CarrierError::Missing {
                    field: "request_id",
                },
                CarrierError::Invalid {
                    field: "tenant",
                    reason: "invalid digit found in string".to_owned(),
                },
            ],
        ),
        (
            "request_id=r,attempt=x",
            vec![
                CarrierError::Missing { field: "tenant" },
                CarrierError::Invalid {
                    field: "attempt",
                    reason: "invalid digit found in string".to_owned(),
                },
            ],
        ),
        (
            "request_id=r,tenant=1,tenant=2,user=a,user=b",
            vec![
                CarrierError::Duplicate { field: "tenant" },
                CarrierError::Duplicate { field: "user" },
            ],
        ),
    ] {
        assert_eq!(
            extract_error(list),
            CarrierError::Fields { errors },
            "{list:?}"
        );
    }
    // Not in the W3C format, next to a missing one: both named, the format's rule as the reason.
    let error = extract_error("request_id=r 1");
    let [
        CarrierError::Invalid {
            field: "request_id",
            reason,
        },
        CarrierError::Missing { field: "tenant" },
    ] = field_errors(&error)
    else {
        panic!("{error:?}")
    };
    assert!(reason.contains("percent-encoded"), "{reason}");
}

#[test]
fn one_field_in_error_is_still_its_own_variant() {
    for (list, expected) in [
        (
            "tenant=7",
            CarrierError::Missing {
                field: "request_id",
            },
        ),
        (
            "request_id=r,tenant=seven,user=alice,attempt=2",
            CarrierError::Invalid {
                field: "tenant",
                reason: "invalid digit found in string".to_owned(),
            },
        ),
        (
            "request_id=r,tenant=7,user=a,user=b",
            CarrierError::Duplicate { field: "user" },
        ),
    ] {
        let error = extract_error(list);
        assert_eq!(error, expected, "{list:?}");
        assert!(
            !matches!(error, CarrierError::Fields { .. }),
            "{list:?}: {error:?}"
        );
        // ... from already parsed baggage too.
        let error = JobCtx::from_baggage(&Baggage::parse(list)).err();
        assert_eq!(error, Some(expected), "{list:?}");
    }
}

#[test]
fn the_errors_are_in_field_order_not_the_carriers() {
    // The carrier lists them last field first; the error follows the context's declaration.
    let list = "attempt=x,user=a,user=b,tenant=seven";
    let expected = CarrierError::Fields {
        errors: vec![
            CarrierError::Missing {
                field: "request_id",
            },
            CarrierError::Invalid {
                field: "tenant",
                reason: "invalid digit found in string".to_owned(),
            },
            CarrierError::Duplicate { field: "user" },
            CarrierError::Invalid {
                field: "attempt",
                reason: "invalid digit found in string".to_owned(),
            },
        ],
    };
    assert_eq!(extract_error(list), expected);
    let error = JobCtx::from_baggage(&Baggage::parse(list)).err();
    assert_eq!(error.as_ref(), Some(&expected));
    assert_eq!(
        expected.fields().collect::<Vec<_>>(),
        ["request_id", "tenant", "user", "attempt"]
    );
}

#[test]
fn the_combined_error_names_every_field_in_one_sentence() {
    let error = extract_error("attempt=x,user=a,user=b,tenant=seven");
    assert_eq!(
        error.to_string(),
        "the carrier's `request_id`, `tenant`, `user` and `attempt` could not be read: \
         `request_id` is missing, `tenant` is invalid (invalid digit found in string), `user` is \
         sent more than once and `attempt` is invalid (invalid digit found in string); the \
         sender must `inject` a context whose `request_id`, `tenant`, `user` and `attempt` are \
         `#[context(propagate)]`"
    );
    let error = extract_error("");
    assert_eq!(
        error.to_string(),
        "the carrier's `request_id` and `tenant` could not be read: `request_id` is missing and \
         `tenant` is missing; the sender must `inject` a context whose `request_id` and `tenant` \
         are `#[context(propagate)]`"
    );
    // No value is echoed: it may be hostile, or large.
    let hostile = "tenant=<script>,user=%0Ax-injected,user=b";
    let message = extract_error(hostile).to_string();
    for value in ["<script>", "x-injected"] {
        assert!(!message.contains(value), "{message}");
    }
    assert!(!message.contains('\n'), "{message}");
}

#[test]
fn other_entries_not_in_the_format_are_left_out() {
    // What peers really send: OpenTelemetry writes `100% sure` as `100%%20sure` and `C:\temp`
    // with a raw backslash; others send spaces, quotes, flags and non-ASCII.
    for foreign in [
        "vendor=bad value",
        "vendorflag",
        "k(1)=x",
        "vendor=50%off",
        "vendor=café",
        "vendor=\"quoted\"",
        "vendor=100%%20sure",
        "path=C:\\temp",
        "=v",
        "vendor=x;p=\"q\"",
    ] {
        for list in [
            format!("{foreign},request_id=r-1,tenant=7"),
            format!("request_id=r-1,{foreign},tenant=7"),
            format!("request_id=r-1,tenant=7,{foreign}"),
        ] {
            let ctx = receive(&carrier(&list)).unwrap_or_else(|e| panic!("{list:?}: {e}"));
            assert_eq!(propagated(&ctx), ("r-1".to_owned(), 7, None, 1), "{list:?}");
        }
    }
    // Empty properties are skipped, like empty list members; a lone `%` is itself.
    assert_eq!(Baggage::parse("k=v;;p; ;,,").to_string(), "k=v;p");
    let ctx = receive(&carrier("request_id=%,tenant=7")).expect("a literal percent");
    assert_eq!(ctx.request_id(), "%");
    // Strictly, all or nothing.
    assert!(matches!(
        Baggage::extract_strict(&carrier("request_id=r-1,tenant=7,vendor=bad value")),
        Err(CarrierError::Malformed { .. })
    ));
}

#[test]
fn oversized_baggage_keeps_our_fields() {
    let head = "request_id=r,tenant=7,pad=";
    let exact = format!("{head}{}", "p".repeat(Baggage::MAX_LEN - head.len()));
    assert_eq!(exact.len(), Baggage::MAX_LEN);
    assert!(
        JobCtx::extract(&carrier(&exact)).is_ok(),
        "the limit itself"
    );
    assert!(JobCtx::extract(&carrier(&format!("{exact}p"))).is_ok());
    assert!(matches!(
        Baggage::parse_strict(&format!("{exact}p")),
        Err(CarrierError::TooLarge { len: 8193 })
    ));

    // Our fields after 8,180 bytes of other producers' entries: still ours.
    let foreign = (0..81)
        .map(|i| format!("k{i:02}={}", "v".repeat(96)))
        .collect::<Vec<_>>()
        .join(",");
    assert_eq!(foreign.len(), 8180);
    let ctx = receive(&carrier(&format!("{foreign},request_id=r-2,tenant=8"))).expect("ours");
    assert_eq!(propagated(&ctx), ("r-2".to_owned(), 8, None, 1));

    // A megabyte of one entry: nothing of it kept, and our fields still read.
    let huge = format!("request_id=r-3,x={},tenant=9", "x".repeat(1 << 20));
    let ctx = receive(&carrier(&huge)).expect("ours");
    assert_eq!(propagated(&ctx), ("r-3".to_owned(), 9, None, 1));
    // ... unless it is ours: refused as ours, by name.
    let error = extract_error(&format!(
        "request_id={},tenant=9",
        "r".repeat(Baggage::MAX_LEN)
    ));
    assert!(
        matches!(&error, CarrierError::Invalid { field: "request_id", reason } if reason.contains("8192")),
        "{error:?}"
    );
}

#[test]
fn too_many_entries_keep_our_fields() {
    let entries = |n: usize| {
        let mut entries: Vec<_> = (2..n).map(|i| format!("k{i}=v")).collect();
        entries.extend(["request_id=r".to_owned(), "tenant=7".to_owned()]);
        entries.join(",")
    };
    let full = entries(Baggage::MAX_ENTRIES);
    assert_eq!(Baggage::parse_strict(&full).expect("full").len(), 180);
    assert!(JobCtx::extract(&carrier(&full)).is_ok(), "the limit itself");
    // Empty list members do not count.
    assert!(JobCtx::extract(&carrier(&format!("{full},, ,"))).is_ok());
    let error = Baggage::parse_strict(&entries(Baggage::MAX_ENTRIES + 1)).expect_err("strict");
    assert_eq!(error, CarrierError::TooManyEntries);
    assert!(error.to_string().contains("180 entries"), "{error}");

    // Past the limit, our fields are still read; the generic parse reports them as such.
    let over = entries(Baggage::MAX_ENTRIES + 20);
    let ctx = receive(&carrier(&over)).expect("ours are kept past the limit");
    assert_eq!(propagated(&ctx), ("r".to_owned(), 7, None, 1));
    let error = JobCtx::from_baggage(&Baggage::parse(&over))
        .err()
        .expect("past the limit");
    assert_eq!(error.fields().collect::<Vec<_>>(), ["request_id", "tenant"]);
    for error in field_errors(&error) {
        assert!(
            matches!(error, CarrierError::Invalid { reason, .. } if reason.contains("past the W3C limits")),
            "{error:?}"
        );
    }

    // A full carrier: our entries go in, the last foreign ones go out.
    let foreign = (0..Baggage::MAX_ENTRIES)
        .map(|i| format!("k{i}=v"))
        .collect::<Vec<_>>()
        .join(",");
    let mut full = carrier(&foreign);
    job().inject(&mut full).expect("ours fit");
    let sent = Baggage::parse_strict(&full[BAGGAGE]).expect("within the limits");
    assert_eq!(sent.len(), Baggage::MAX_ENTRIES);
    assert_eq!(sent.get("k175"), Some("v"));
    assert_eq!(sent.get("k176"), None);
    assert_eq!(
        propagated(&receive(&full).expect("ours")),
        propagated(&job())
    );
}

#[test]
fn near_the_size_limit_our_fields_win_over_received_ones() {
    // 8,180 bytes of other producers' entries received, then our context injected.
    let foreign = (0..81)
        .map(|i| format!("k{i:02}={}", "v".repeat(96)))
        .collect::<Vec<_>>()
        .join(",");
    let mut target = carrier(&foreign);
    job().inject(&mut target).expect("ours fit");
    let sent = &target[BAGGAGE];
    assert!(sent.len() <= Baggage::MAX_LEN, "{}", sent.len());
    assert!(sent.starts_with("request_id=r-1,tenant=7,user=alice,attempt=3,k00="));
    let baggage = Baggage::parse_strict(sent).expect("within the limits");
    assert_eq!(baggage.len(), 4 + 80, "the last received entry made room");
    assert_eq!(baggage.get("k80"), None);
    assert_eq!(
        propagated(&receive(&target).expect("ours")),
        propagated(&job())
    );
}

#[test]
fn hostile_input_never_panics() {
    let huge = "k=v,".repeat(5000);
    let commas = ",".repeat(100_000);
    let long_key = format!("{}=v", "k".repeat(9000));
    let deep_props = format!("k=v{}", ";p".repeat(3000));
    let escapes = format!("k={}", "%".repeat(4000));
    let nasty: Vec<&str> = vec![
        "",
        " ",
        "\t",
        ",",
        ";",
        "=",
        "==",
        "===,=,==",
        "%",
        "%F",
        "k=%F",
        "k=%",
        "k=%%",
        "k=%FF%FE%00",
        "k=%C3",
        "k=%C3%28",
        "k=%ED%A0%80",
        "k=%00",
        "\0",
        "k=\0",
        "k\0=v",
        "\u{7f}",
        "\r\n",
        "k=v\r\nx-injected: 1",
        "k=\u{1b}[31m",
        "k=v;",
        "k=v;;",
        ";k=v",
        "k=v;p=",
        "k=v;p==",
        "k=v;=",
        "é=v",
        "k=é",
        "k=😀",
        "😀",
        "\u{feff}k=v",
        "\u{202e}k=v",
        "k=\u{fffd}",
        "request_id=r,tenant=18446744073709551616",
        "request_id=r,tenant=+7",
        "request_id=%F0%9F%98%80,tenant=7",
        &huge,
        &commas,
        &long_key,
        &deep_props,
        &escapes,
    ];
    assert_eq!(nasty.len(), 46, "the count RELIABILITY.md publishes");
    for list in &nasty {
        // Whatever is kept renders to strict baggage that reads back the same.
        let baggage = Baggage::parse(list);
        assert_eq!(
            Baggage::parse_strict(&baggage.to_string()).as_ref(),
            Ok(&baggage),
            "{list:?}"
        );
        // Our fields are read, or named in the error.
        for result in [
            JobCtx::extract(&carrier(list)).map(|_| ()),
            JobCtx::extract(&BTreeMap::from([(BAGGAGE.to_owned(), (*list).to_owned())]))
                .map(|_| ()),
        ] {
            if let Err(error) = &result {
                assert!(
                    field_errors(error).iter().all(|error| matches!(
                        error,
                        CarrierError::Missing { .. }
                            | CarrierError::Invalid { .. }
                            | CarrierError::Duplicate { .. }
                    )),
                    "{list:?}: {result:?}"
                );
            }
        }
        // Injecting into it always works, and sends our fields.
        let mut target = carrier(list);
        job().inject(&mut target).expect(list);
        assert_eq!(
            propagated(&receive(&target).expect(list)),
            propagated(&job())
        );
        #[cfg(feature = "http")]
        if let Ok(value) = http::HeaderValue::from_str(list) {
            let mut headers = http::HeaderMap::new();
            headers.insert(BAGGAGE, value);
            let _ = JobCtx::extract(&headers);
            let _ = job().inject(&mut headers);
        }
    }
}

#[test]
fn values_are_percent_encoded() {
    let request_id = "a b,c;d%e=f\"g\\h";
    let user = "Jürgen 😀\t\n\0";
    let sent = JobCtx::builder()
        .request_id(request_id.into())
        .tenant(1)
        .user(user.into())
        .worker(WORKER.into())
        .token(SECRET.into())
        .build();
    let mut carrier = HashMap::new();
    sent.inject(&mut carrier).expect("inject");
    let raw = &carrier[BAGGAGE];
    assert_eq!(
        raw,
        "request_id=a%20b%2Cc%3Bd%25e%3Df%22g%5Ch,tenant=1,\
         user=J%C3%BCrgen%20%F0%9F%98%80%09%0A%00,attempt=1"
    );
    assert!(raw.bytes().all(|b| b.is_ascii_graphic()), "{raw}");
    let received = receive(&carrier).expect("extract");
    assert_eq!(received.request_id(), request_id);
    assert_eq!(received.user().map(String::as_str), Some(user));

    // Lower-case escapes are read too; invalid UTF-8 becomes U+FFFD.
    let received = receive(&self::carrier("request_id=%c3%a9%FF,tenant=1")).expect("extract");
    assert_eq!(received.request_id(), "é\u{fffd}");
}

#[test]
fn inject_into_malformed_baggage_keeps_what_is_in_the_format() {
    for (list, kept) in [
        ("novalue", ""),
        ("k=a b,j=1", ",j=1"),
        ("k=%F", ",k=%25F"),
        ("user=a b,k=1", ",k=1"),
    ] {
        let mut target = carrier(list);
        job().inject(&mut target).expect(list);
        assert_eq!(
            target[BAGGAGE],
            format!("request_id=r-1,tenant=7,user=alice,attempt=3{kept}"),
            "{list:?}"
        );
    }
}

#[test]
fn inject_refuses_a_context_too_large_to_be_received() {
    let sent = JobCtx::builder()
        .request_id("r".repeat(Baggage::MAX_LEN))
        .tenant(1)
        .worker(WORKER.into())
        .token(SECRET.into())
        .build();
    let mut target = carrier("vendor=x");
    let error = sent.inject(&mut target).expect_err("too large");
    assert!(
        matches!(error, CarrierError::TooLarge { len } if len > Baggage::MAX_LEN),
        "{error:?}"
    );
    assert_eq!(target[BAGGAGE], "vendor=x", "the carrier was changed");
}

#[test]
fn inject_reads_the_current_context_inside_a_scope() {
    let mut target = HashMap::new();
    assert_eq!(JobCtx::try_with(|c| c.inject(&mut target)), None);
    assert!(target.is_empty());

    let injected = job().sync_scope(|| JobCtx::try_with(|c| c.inject(&mut target)));
    assert_eq!(injected, Some(Ok(())));
    assert_eq!(
        propagated(&receive(&target).expect("extract")),
        propagated(&job())
    );
}

#[tokio::test]
async fn inject_reads_the_current_context_inside_an_async_scope() {
    let target = job()
        .scope(async {
            tokio::task::yield_now().await;
            let mut target = BTreeMap::new();
            JobCtx::try_with(|c| c.inject(&mut target))
                .expect("in scope")
                .expect("inject");
            target
        })
        .await;
    assert_eq!(
        target[BAGGAGE],
        "request_id=r-1,tenant=7,user=alice,attempt=3"
    );
}

#[cfg(feature = "http")]
mod http_carriers {
    //! `http::HeaderMap` as a carrier, and `RequestId` as a propagated field.

    use context_runtime::{BAGGAGE, Baggage, CarrierError, RequestContext, RequestId};
    use http::header::HeaderName;
    use http::{HeaderMap, HeaderValue};

    use super::{job, propagated, receive};

    /// A header map with one `name: value` header per pair, in order.
    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(
                HeaderName::try_from(*name).expect("a header name"),
                HeaderValue::from_str(value).expect("a header value"),
            );
        }
        headers
    }

    #[test]
    fn a_context_round_trips_through_a_header_map() {
        let mut headers = headers(&[("x-other", "kept")]);
        job().inject(&mut headers).expect("inject");
        assert_eq!(headers["x-other"], "kept");
        assert_eq!(headers.get_all(BAGGAGE).iter().count(), 1);
        assert_eq!(
            headers[BAGGAGE],
            "request_id=r-1,tenant=7,user=alice,attempt=3"
        );
        assert_eq!(
            propagated(&receive(&headers).expect("extract")),
            propagated(&job())
        );
    }

    #[test]
    fn two_baggage_headers_are_combined() {
        let mut two = headers(&[
            ("baggage", "request_id=r-2,vendor=x;p"),
            ("x-between", "1"),
            ("baggage", "tenant=5, user=bob"),
        ]);
        let received = receive(&two).expect("extract");
        assert_eq!(
            propagated(&received),
            ("r-2".to_owned(), 5, Some("bob".to_owned()), 1)
        );
        // Injecting merges both into one header, ours first, then the foreign entries in order.
        job().inject(&mut two).expect("inject");
        let values: Vec<_> = two.get_all(BAGGAGE).iter().collect();
        assert_eq!(
            values,
            ["request_id=r-1,tenant=7,user=alice,attempt=3,vendor=x;p"]
        );

        // A field in both headers is a duplicate; a malformed second header spoils nothing.
        let twice = headers(&[
            ("baggage", "request_id=r,tenant=1"),
            ("baggage", "tenant=2"),
        ]);
        assert_eq!(
            super::JobCtx::extract(&twice).err(),
            Some(CarrierError::Duplicate { field: "tenant" })
        );
        let bad = headers(&[("baggage", "request_id=r,tenant=1"), ("baggage", "oops")]);
        assert!(super::JobCtx::extract(&bad).is_ok());
        // The size limit holds across headers: the second pad is past it, and left out.
        let half = format!("pad={}", "p".repeat(5000));
        let split = headers(&[
            ("baggage", "request_id=r,tenant=1"),
            ("baggage", &half),
            ("baggage", &half),
        ]);
        assert!(super::JobCtx::extract(&split).is_ok());
        let baggage = Baggage::extract(&split);
        assert_eq!((baggage.len(), baggage.dropped()), (3, 1));
        assert!(matches!(
            Baggage::extract_strict(&split),
            Err(CarrierError::TooLarge { .. })
        ));
    }

    #[test]
    fn the_header_name_is_case_insensitive() {
        for name in ["Baggage", "BAGGAGE", "bAgGaGe"] {
            let mut headers = headers(&[(name, "request_id=r-3,tenant=3")]);
            let received = receive(&headers).expect(name);
            assert_eq!(propagated(&received), ("r-3".to_owned(), 3, None, 1));
            job().inject(&mut headers).expect("inject");
            assert_eq!(headers.len(), 1, "{name}: one header, replaced");
        }
    }

    #[test]
    fn a_header_value_that_is_not_utf8_is_invalid_not_a_panic() {
        let mut headers = HeaderMap::new();
        headers.insert(
            BAGGAGE,
            HeaderValue::from_bytes(b"request_id=r\xff,tenant=1,v=\xfe").expect("obs-text"),
        );
        assert!(matches!(
            super::JobCtx::extract(&headers).err(),
            Some(CarrierError::Invalid {
                field: "request_id",
                ..
            })
        ));
        job()
            .inject(&mut headers)
            .expect("the bad entries are not sent on");
        assert_eq!(
            headers[BAGGAGE],
            "request_id=r-1,tenant=7,user=alice,attempt=3"
        );
    }

    /// A context whose request id crosses the boundary as the strict `RequestId`.
    #[derive(RequestContext)]
    struct EdgeCtx {
        #[context(log, propagate)]
        request_id: RequestId,
        #[context(propagate)]
        hops: Option<u8>,
    }

    #[test]
    fn a_request_id_field_propagates() {
        let id = RequestId::generate();
        let sent = EdgeCtx::builder().request_id(id.clone()).hops(2).build();
        let mut headers = HeaderMap::new();
        sent.inject(&mut headers).expect("inject");
        assert_eq!(headers[BAGGAGE], format!("request_id={id},hops=2").as_str());
        let received = EdgeCtx::extract(&headers).expect("extract").build();
        assert_eq!(received.request_id().as_str(), id.as_str());
        assert_eq!(received.hops(), Some(&2));

        // Visible ASCII that needs escaping survives the trip.
        let odd = RequestId::parse(b"r,1;%\"\\").expect("a valid id");
        let mut headers = HeaderMap::new();
        EdgeCtx::builder()
            .request_id(odd.clone())
            .build()
            .inject(&mut headers)
            .expect("inject");
        let received = EdgeCtx::extract(&headers).expect("extract").build();
        assert_eq!(received.request_id().as_str(), odd.as_str());
    }

    #[test]
    fn an_invalid_request_id_in_baggage_is_invalid() {
        let reason = format!(
            "a request id is 1 to {} visible ASCII characters",
            RequestId::MAX_LEN
        );
        let long = format!("request_id={}", "r".repeat(RequestId::MAX_LEN + 1));
        for list in [
            "request_id=",
            "request_id=r%201",
            "request_id=%C3%A9",
            "request_id=%0A",
            &long,
        ] {
            let headers = headers(&[("baggage", list)]);
            let error = EdgeCtx::extract(&headers).err().expect(list);
            assert_eq!(
                error,
                CarrierError::Invalid {
                    field: "request_id",
                    reason: reason.clone()
                },
                "{list:?}"
            );
            assert!(error.to_string().contains("`request_id`"), "{error}");
        }
        let headers = headers(&[("baggage", "request_id=r,hops=256")]);
        assert!(matches!(
            EdgeCtx::extract(&headers).err(),
            Some(CarrierError::Invalid { field: "hops", .. })
        ));
    }
}

/// Work spawned with the request's contexts also forwards what the request received.
#[context_runtime::with_context]
async fn spawned_sends() -> (HashMap<String, String>, HashMap<String, String>) {
    let send = || {
        let mut outgoing = HashMap::new();
        context_runtime::inject_current(&mut outgoing).expect("fits");
        outgoing
    };
    let task = tokio::spawn(async move { send() });
    let helper = context_runtime::spawn(async move { send() });
    (
        task.await.expect("a task"),
        helper.await.expect("a helper task"),
    )
}

#[tokio::test]
async fn received_baggage_is_forwarded_from_spawned_work_too() {
    let received = Baggage::parse("vendor=acme,tenant=999");
    let (task, helper) = job().scope(received.scope(spawned_sends())).await;
    for sent in [task, helper] {
        assert_eq!(
            sent[BAGGAGE],
            "request_id=r-1,tenant=7,user=alice,attempt=3,vendor=acme"
        );
    }
    // Nothing is forwarded once the scope is over.
    let mut after = HashMap::new();
    context_runtime::inject_current(&mut after).expect("nothing to write");
    assert!(after.is_empty());
}
