//! Logging, JSON (feature `tracing`): every event emitted inside a context, in spawned tasks,
//! blocking closures and threads included, carries the context's `log` fields as top-level keys
//! of its JSON line; an event's own field of the same name wins; events outside any context
//! carry none; sensitive values appear nowhere.

#![cfg(feature = "tracing")]

mod logs;

use context_runtime::{RequestContext, with_context};

const SECRET: &str = "tok-3b1f-never-logged";
const REQUESTS: u64 = 200;

#[derive(RequestContext)]
struct RequestCtx {
    #[context(log)]
    request_id: String,
    #[context(log)]
    tenant: u64,
    #[context(log)]
    user: Option<String>,
    #[context(sensitive)]
    token: String,
}

#[derive(RequestContext)]
struct TraceCtx {
    #[context(log)]
    trace_id: String,
}

/// One request: events in the handler, a task, a blocking closure and a thread; each event says
/// which request id it must carry (`expect`).
#[with_context]
async fn handle(id: String) {
    tracing::info!(expect = %id, "handling");
    let (a, b, c) = (id.clone(), id.clone(), id.clone());
    tokio::spawn(async move { tracing::info!(expect = %a, "child task") })
        .await
        .expect("task");
    tokio::task::spawn_blocking(move || tracing::info!(expect = %b, "blocking work"))
        .await
        .expect("blocking");
    std::thread::spawn(move || tracing::warn!(expect = %c, "thread"))
        .join()
        .expect("thread");
    tokio::task::yield_now().await;
    RequestCtx::with(|c| assert!(!c.token().is_empty()));
}

#[test]
fn every_json_line_carries_its_request_at_the_top_level() {
    let lines = logs::capture_json();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .build()
        .expect("runtime");
    runtime.block_on(async {
        tracing::info!("outside any request");
        let mut set = tokio::task::JoinSet::new();
        for i in 0..REQUESTS {
            let id = format!("r-{i}");
            let ctx = RequestCtx::builder()
                .request_id(id.clone())
                .tenant(i % 3)
                .maybe_user(i.is_multiple_of(2).then(|| format!("u-{i}")))
                .token(SECRET.into())
                .build();
            let trace = TraceCtx::builder().trace_id(format!("t-{i}")).build();
            set.spawn(ctx.scope(trace.scope(handle(id))));
        }
        while let Some(done) = set.join_next().await {
            done.expect("request");
        }
        let ctx = RequestCtx::builder()
            .request_id("r-x".into())
            .tenant(0)
            .token(SECRET.into())
            .build();
        ctx.scope(async { tracing::info!(request_id = "explicit", "an event's own field wins") })
            .await;
    });

    let output = lines.text();
    assert!(!output.contains(SECRET), "a sensitive value was logged");
    let parsed: Vec<serde_json::Value> = output
        .lines()
        .map(|line| serde_json::from_str(line).expect("every line is JSON"))
        .collect();
    assert_eq!(
        parsed.len(),
        usize::try_from(REQUESTS).expect("small") * 4 + 2
    );
    let mut carried = 0;
    for line in &parsed {
        match line["message"].as_str() {
            Some("outside any request") => {
                assert!(
                    line.get("request_id").is_none() && line.get("trace_id").is_none(),
                    "{line}"
                );
            }
            Some("an event's own field wins") => {
                assert_eq!(line["request_id"], "explicit", "{line}");
            }
            _ => {
                let expect = line["expect"]
                    .as_str()
                    .expect("every request event says what it expects");
                assert_eq!(line["request_id"], expect, "{line}");
                let i: u64 = expect[2..].parse().expect("a number");
                assert_eq!(line["tenant"], i % 3, "numbers stay numbers: {line}");
                assert_eq!(
                    line["trace_id"],
                    format!("t-{i}"),
                    "both context types are on the line: {line}"
                );
                assert_eq!(
                    line.get("user").and_then(|u| u.as_str()).map(str::to_owned),
                    i.is_multiple_of(2).then(|| format!("u-{i}"))
                );
                assert!(line.get("token").is_none(), "{line}");
                carried += 1;
            }
        }
    }
    assert_eq!(carried, REQUESTS * 4);
    println!(
        "logging (JSON): {} lines, {carried} request lines carry their own request id",
        parsed.len()
    );
}
