//! The deadline on log lines (feature `tracing`), when asked for with `LogContext::deadline`:
//! the milliseconds left, after the contexts' fields, on JSON and text lines; nothing where no
//! deadline is set, nor when not asked.

#![cfg(feature = "tracing")]

mod logs;

use std::time::Duration;

use context_runtime::{Deadline, LogContext, RequestContext};
use logs::Lines;
use serde_json::Value;

#[derive(RequestContext)]
struct RequestCtx {
    #[context(log)]
    request_id: String,
}

fn request(id: &str) -> RequestCtx {
    RequestCtx::builder().request_id(id.to_owned()).build()
}

/// Logs three events: inside a request with a 5 s deadline (one event with a field of the
/// deadline's name), and inside a request without one.
fn emit() {
    request("r-1").sync_scope(|| {
        Deadline::after(Duration::from_secs(5)).sync_scope(|| {
            tracing::info!("with a deadline");
            tracing::info!(left = "mine", "the event's own field wins");
        });
        tracing::info!("without");
    });
}

#[test]
fn json_lines_carry_the_milliseconds_left_when_asked() {
    let lines = Lines::default();
    let writer = lines.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .event_format(
            LogContext::json(tracing_subscriber::fmt::format().json().flatten_event(true))
                .deadline("left"),
        )
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, emit);
    let lines: Vec<Value> = lines
        .text()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    let left = lines[0]["left"].as_u64().expect("a number of milliseconds");
    assert!(left <= 5000 && left > 0, "{left}");
    assert_eq!(lines[0]["request_id"], "r-1");
    assert_eq!(lines[1]["left"], "mine");
    let text = serde_json::to_string(&lines[1]).unwrap();
    assert_eq!(
        text.matches("\"left\"").count(),
        1,
        "no duplicate key: {text}"
    );
    assert!(
        lines[2].get("left").is_none(),
        "no deadline, no field: {}",
        lines[2]
    );
    assert_eq!(lines[2]["request_id"], "r-1");
}

#[test]
fn text_lines_carry_it_when_asked_and_no_line_does_by_default() {
    let asked = Lines::default();
    let writer = asked.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .event_format(
            LogContext::text(tracing_subscriber::fmt::format().with_ansi(false))
                .deadline("deadline_ms"),
        )
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, emit);
    let text = asked.text();
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("request_id=r-1 deadline_ms="), "{first}");
    assert_eq!(text.matches("deadline_ms=").count(), 2, "{text}");

    let plain = Lines::default();
    let writer = plain.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .event_format(LogContext::text(
            tracing_subscriber::fmt::format().with_ansi(false),
        ))
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, emit);
    assert!(!plain.text().contains("deadline_ms"), "{}", plain.text());
}
