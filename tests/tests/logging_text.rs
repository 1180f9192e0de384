//! Logging, text (feature `tracing`): every line emitted inside a context, spawned work included,
//! leads with the context's `log` fields; a value with spaces, quotes or line breaks is quoted
//! and escaped, so it can neither forge a field nor start a new line.

#![cfg(feature = "tracing")]

mod logs;

use context_runtime::{RequestContext, with_context};

#[derive(RequestContext)]
struct RequestCtx {
    #[context(log)]
    request_id: String,
    #[context(sensitive)]
    token: String,
}

#[with_context]
async fn handle() {
    tracing::info!("handling");
    tokio::spawn(async { tracing::info!("child") })
        .await
        .expect("task");
    tokio::task::spawn_blocking(|| tracing::info!("blocking"))
        .await
        .expect("blocking");
}

#[test]
fn every_text_line_leads_with_its_request() {
    let lines = logs::capture_text();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("runtime");
    runtime.block_on(async {
        for id in ["r-1", "evil\nrequest_id=forged \"x\""] {
            let ctx = RequestCtx::builder()
                .request_id(id.into())
                .token("tok-never-logged".into())
                .build();
            ctx.scope(handle()).await;
        }
        tracing::info!("outside");
    });

    let output = lines.text();
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), 7, "{output}");
    assert!(!output.contains("tok-never-logged"));
    for line in &lines[..3] {
        assert!(line.starts_with("request_id=r-1 "), "{line}");
    }
    for line in &lines[3..6] {
        assert!(
            line.starts_with(r#"request_id="evil\nrequest_id=forged \"x\"" "#),
            "escaped, one line: {line}"
        );
    }
    assert!(!lines[6].contains("request_id="), "{}", lines[6]);
}
