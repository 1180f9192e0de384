//! Captured log output, for the logging suites (feature `tracing`).

#![allow(dead_code)] // each suite uses its own part

use std::io;
use std::sync::{Arc, Mutex};

use context_runtime::LogContext;

/// Every byte the subscriber writes, shared with the test.
#[derive(Clone, Default)]
pub(crate) struct Lines(Arc<Mutex<Vec<u8>>>);

impl Lines {
    /// What was written so far.
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("lines")).into_owned()
    }
}

impl io::Write for Lines {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("lines").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Makes JSON lines, context fields at the top level, the global subscriber of this test binary;
/// returns what it writes.
pub(crate) fn capture_json() -> Lines {
    let lines = Lines::default();
    let writer = lines.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .event_format(LogContext::json(
            tracing_subscriber::fmt::format().json().flatten_event(true),
        ))
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber)
        .expect("the only subscriber of this binary");
    lines
}

/// Makes text lines led by the context fields the global subscriber of this test binary.
pub(crate) fn capture_text() -> Lines {
    let lines = Lines::default();
    let writer = lines.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .event_format(LogContext::text(
            tracing_subscriber::fmt::format().with_ansi(false),
        ))
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber)
        .expect("the only subscriber of this binary");
    lines
}
