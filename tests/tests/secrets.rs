//! Secrets: a context whose `#[context(sensitive)]` fields hold a unique marker is formatted and
//! exported through every path the project has that prints its values (`Debug` of the value, of
//! `current()`, of the value read back through a snapshot, the carrier text `inject` writes, panic
//! messages, task join errors), and the marker occurs in none of them. Each of those outputs is
//! also asserted to carry the context's non-sensitive id, so it really formatted the values and
//! could have leaked the marker. The paths that print no value at all (`Debug` of a snapshot, of
//! scoped futures, the panic of `with` outside a scope) are checked for exactly that, and not
//! counted among the outputs.

use std::collections::HashMap;

use context_runtime::{ContextExt, RequestContext, Snapshot, inject_current};

mod common;
use common::ExpectedPanics;

const MARKER: &str = "s3cr3t-7f9c2e61-token";
/// The non-sensitive id: an output that formatted the context's values carries it.
const ID: &str = "r-1f0a";
/// The panics this suite causes on purpose start with this, so the panic hook silences those
/// (and the runtime's own message for `with` outside a scope) and nothing else.
const PLANNED: &str = "[planned panic]";

#[derive(RequestContext)]
struct RequestCtx {
    #[context(propagate)]
    request_id: String,
    #[context(sensitive)]
    auth_token: String,
    #[context(sensitive)]
    api_key: Option<String>,
}

fn ctx() -> RequestCtx {
    RequestCtx::builder()
        .request_id(ID.into())
        .auth_token(MARKER.into())
        .api_key(format!("{MARKER}-api"))
        .build()
}

fn planned(message: &str) -> bool {
    message.starts_with(PLANNED) || message.starts_with("no RequestCtx is set")
}

#[tokio::test]
async fn sensitive_values_appear_in_no_output() {
    let panics = ExpectedPanics::install(planned);
    // Outputs that format the context's values: each could carry the marker.
    let mut outputs: Vec<(&str, String)> = Vec::new();
    // Outputs that print no value of the context at all.
    let mut valueless: Vec<(&str, String)> = Vec::new();

    let value = ctx();
    outputs.push(("Debug", format!("{value:?}")));
    outputs.push(("pretty Debug", format!("{value:#?}")));

    let (current, snapshot, carrier) = value.sync_scope(|| {
        let mut carrier: HashMap<String, String> = HashMap::new();
        inject_current(&mut carrier).expect("inject");
        (RequestCtx::current(), Snapshot::capture(), carrier)
    });
    outputs.push(("Debug of current()", format!("{current:?}")));
    outputs.push(("carrier text written by inject", format!("{carrier:?}")));
    let restored = async { format!("{:#?}", RequestCtx::current()) }
        .in_context(snapshot.clone())
        .await;
    outputs.push(("Debug of the value restored from a snapshot", restored));

    valueless.push(("Debug of a snapshot", format!("{snapshot:?}")));
    valueless.push((
        "Debug of a scoped future",
        format!("{:?}", current.clone().scope(async {})),
    ));
    valueless.push((
        "Debug of an InContext future",
        format!("{:?}", async {}.in_context(snapshot.clone())),
    ));

    // A panic whose message formats the whole context; one outside any scope (there is no value
    // to format); a spawned child's, as the hook and the parent see it.
    let caught = std::panic::catch_unwind(|| {
        ctx().sync_scope(|| RequestCtx::with(|c| panic!("{PLANNED} request failed: {c:?}")))
    });
    assert!(caught.is_err(), "the request panicked");
    let caught = std::panic::catch_unwind(|| RequestCtx::with(|_| ()));
    assert!(caught.is_err(), "`with` outside a scope panicked");
    let child = tokio::spawn(
        current
            .clone()
            .scope(async { RequestCtx::with(|c| panic!("{PLANNED} child: {c:#?}")) }),
    );
    let error = child.await.expect_err("the child panicked");
    outputs.push(("JoinError", format!("{error} / {error:?}")));

    let seen = panics.seen();
    drop(panics);
    assert_eq!(seen.len(), 3, "three planned panics: {seen:#?}");
    let hook = |start: &str| {
        seen.iter()
            .find(|panic| panic.contains(start))
            .unwrap_or_else(|| panic!("no panic with {start:?}: {seen:#?}"))
            .clone()
    };
    outputs.push((
        "panic message formatting the context",
        hook(&format!("{PLANNED} request failed")),
    ));
    outputs.push(("a child's panic message", hook(&format!("{PLANNED} child"))));
    valueless.push((
        "panic of `with` outside a scope",
        hook("no RequestCtx is set"),
    ));

    for (path, output) in &outputs {
        assert!(
            !output.contains(MARKER),
            "{path} leaked the sensitive value: {output}"
        );
        assert!(
            output.contains(ID),
            "{path} did not format the context's values, so it proves nothing: {output}"
        );
    }
    for (path, output) in &valueless {
        assert!(
            !output.contains(MARKER) && !output.contains(ID),
            "{path} printed a value of the context: {output}"
        );
    }
    assert!(
        outputs[0].1.contains("<redacted>"),
        "the sensitive fields are shown as redacted: {}",
        outputs[0].1
    );
    assert_eq!(outputs.len(), 8);
    println!(
        "secrets: {} outputs that format the context's values checked, marker found in 0; \
         {} more that print no value checked",
        outputs.len(),
        valueless.len()
    );
}
