//! Secrets: a context whose `#[context(sensitive)]` field holds a unique marker is formatted and
//! exported through every path the project has (`Debug` of the value, of `current()`, of a
//! snapshot, of scoped futures, panic messages, task join errors), and the marker occurs nowhere.
//! Logging, carriers and HTTP responses join this suite when those integrations exist.

use std::fmt::Write as _;
use std::sync::Mutex;

use context_runtime::{ContextExt, RequestContext, Snapshot};

const MARKER: &str = "s3cr3t-7f9c2e61-token";

#[derive(RequestContext)]
struct RequestCtx {
    request_id: String,
    #[context(sensitive)]
    auth_token: String,
    #[context(sensitive)]
    api_key: Option<String>,
}

fn ctx() -> RequestCtx {
    RequestCtx::builder()
        .request_id("r-1".into())
        .auth_token(MARKER.into())
        .api_key(format!("{MARKER}-api"))
        .build()
}

/// Every panic message of this test, as the panic hook receives them (the child task's too).
static PANICS: Mutex<String> = Mutex::new(String::new());

fn catch(f: impl FnOnce() + std::panic::UnwindSafe) {
    assert!(std::panic::catch_unwind(f).is_err(), "it panicked");
}
#[tokio::test]
async fn sensitive_values_appear_in_no_output() {
    std::panic::set_hook(Box::new(|info| {
        let mut panics = PANICS.lock().expect("panics");
        let _ = writeln!(panics, "{info}");
    }));
    let mut outputs: Vec<(&str, String)> = Vec::new();
    let value = ctx();
    outputs.push(("Debug", format!("{value:?}")));
    outputs.push(("pretty Debug", format!("{value:#?}")));

    let (current, snapshot) = value.sync_scope(|| (RequestCtx::current(), Snapshot::capture()));
    outputs.push(("Debug of current()", format!("{current:?}")));
    outputs.push(("Debug of a snapshot", format!("{snapshot:?}")));
    outputs.push((
        "Debug of a scoped future",
        format!("{:?}", current.clone().scope(async {})),
    ));
    outputs.push((
        "Debug of an InContext future",
        format!("{:?}", async {}.in_context(snapshot.clone())),
    ));

    // A panic whose message formats the whole context; one outside any scope (it names the
    // type, not a value); a spawned child's, as the parent sees it.
    catch(|| ctx().sync_scope(|| RequestCtx::with(|c| panic!("request failed: {c:?}"))));
    catch(|| RequestCtx::with(|_| ()));
    let child = tokio::spawn(
        current
            .clone()
            .scope(async { RequestCtx::with(|c| panic!("child: {c:#?}")) }),
    );
    let error = child.await.expect_err("the child panicked");
    outputs.push(("JoinError", format!("{error} / {error:?}")));
    let _ = std::panic::take_hook();
    let panics = PANICS.lock().expect("panics").clone();
    assert_eq!(panics.matches("panicked at").count(), 3, "{panics}");
    assert!(
        panics.contains("<redacted>") && panics.contains("no RequestCtx is set"),
        "{panics}"
    );
    outputs.push(("panic messages", panics));

    for (path, output) in &outputs {
        assert!(
            !output.contains(MARKER),
            "{path} leaked the sensitive value: {output}"
        );
    }
    // The outputs are not empty: the paths really formatted the context.
    assert!(
        outputs[0].1.contains("r-1") && outputs[0].1.contains("<redacted>"),
        "{}",
        outputs[0].1
    );
    println!(
        "secrets: {} formatting paths checked, marker found in 0",
        outputs.len()
    );
}
