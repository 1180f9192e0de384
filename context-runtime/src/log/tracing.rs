//! The `tracing` integration (feature `tracing`): every event emitted inside a context carries
//! the context's `#[context(log)]` fields, spawned work included.

use std::cell::RefCell;
use std::fmt;

use tracing_core::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use super::{json, log_fields};
use crate::{Deadline, LogValue, RequestContext};

/// A `tracing-subscriber` event format that adds the `#[context(log)]` fields of every context
/// set where an event is emitted to that event's line: as `name=value` pairs before a text line,
/// or as top-level keys of a JSON line (not nested under spans). Sensitive fields are never
/// among them.
///
/// Text (the pairs lead the line, so that colors and the inner format are untouched):
///
/// ```
/// use context_runtime::{LogContext, RequestContext};
///
/// #[derive(RequestContext)]
/// struct RequestCtx { #[context(log)] request_id: String }
///
/// let subscriber = tracing_subscriber::fmt()
///     .event_format(LogContext::text(tracing_subscriber::fmt::format()))
///     .finish();
/// # let _ = subscriber;
/// ```
///
/// JSON (needs `tracing-subscriber`'s `json` feature; flatten the event's own fields too):
///
/// ```
/// # use context_runtime::LogContext;
/// let subscriber = tracing_subscriber::fmt()
///     .json()
///     .event_format(LogContext::json(tracing_subscriber::fmt::format().json().flatten_event(true)))
///     .finish();
/// # let _ = subscriber;
/// // {"timestamp":"…","level":"INFO","message":"fetching order","target":"orders","request_id":"r-1"}
/// ```
#[derive(Debug, Clone)]
pub struct LogContext<F> {
    inner: F,
    json: bool,
    /// The name of the remaining milliseconds of the request's deadline, when asked for.
    deadline: Option<&'static str>,
}

impl<F> LogContext<F> {
    /// Leads every text line of `inner` with the context's `name=value` pairs.
    pub fn text(inner: F) -> Self {
        Self {
            inner,
            json: false,
            deadline: None,
        }
    }

    /// Adds the context's fields as top-level keys of every JSON line of `inner`, after its own
    /// keys, which keep their order. An event field of the same name wins. A line that is not a
    /// JSON object is left as it is.
    pub fn json(inner: F) -> Self {
        Self {
            inner,
            json: true,
            deadline: None,
        }
    }

    /// Also writes, on every line emitted where a [`Deadline`](crate::Deadline) is set, the
    /// milliseconds left before it, as the field `name` (after the contexts' fields): to see in
    /// the logs how much of its budget a request had at each step. Not on by default: a line
    /// then reads the clock.
    ///
    /// ```
    /// use std::time::Duration;
    /// use context_runtime::{Deadline, LogContext};
    ///
    /// let subscriber = tracing_subscriber::fmt()
    ///     .json()
    ///     .event_format(
    ///         LogContext::json(tracing_subscriber::fmt::format().json().flatten_event(true))
    ///             .deadline("deadline_ms"),
    ///     )
    ///     .finish();
    /// tracing::subscriber::with_default(subscriber, || {
    ///     Deadline::after(Duration::from_secs(2)).sync_scope(|| tracing::info!("querying"));
    /// });
    /// // {"timestamp":"…","level":"INFO","message":"querying","target":"…","deadline_ms":1999}
    /// ```
    #[must_use]
    pub fn deadline(mut self, name: &'static str) -> Self {
        self.deadline = Some(name);
        self
    }

    /// Visits the fields a line gets: the contexts' `log` fields, then the deadline's, if asked.
    fn fields(&self, mut visit: impl FnMut(&'static str, LogValue<'_>)) {
        log_fields(&mut visit);
        if let Some(name) = self.deadline
            && let Some(left) = Deadline::remaining()
        {
            visit(
                name,
                LogValue::U64(u64::try_from(left.as_millis()).unwrap_or(u64::MAX)),
            );
        }
    }
}

impl<S, N, F> FormatEvent<S, N> for LogContext<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        if !self.json {
            let mut result = Ok(());
            self.fields(|name, value| {
                result = result.and_then(|()| write_pair(&mut writer, name, value));
            });
            result?;
            return self.inner.format_event(ctx, writer, event);
        }
        let mut any = false;
        log_fields(|_, _| any = true);
        // The deadline's field is written when one is set; whether it is needs no clock.
        any = any || (self.deadline.is_some() && Deadline::try_with(|_| ()).is_some());
        if !any {
            return self.inner.format_event(ctx, writer, event);
        }
        with_line_buffer(|line| {
            self.inner.format_event(ctx, Writer::new(line), event)?;
            // Our fields go in before the object's closing brace, after the inner format's keys
            // (which keep their order and their bytes), but for a key it already has.
            let mut keys = json::Keys::default();
            let Some(close) = json::object_keys(line, |key| keys.push(key)) else {
                return writer.write_str(line);
            };
            let (body, end) = line.split_at(close);
            writer.write_str(body)?;
            let mut first = body.trim_end().ends_with('{');
            let mut result = Ok(());
            self.fields(|name, value| {
                if result.is_ok() && !keys.contains(name) {
                    result = json::write_field(&mut writer, first, name, value);
                    first = false;
                }
            });
            result?;
            writer.write_str(end)
        })
    }
}

/// Runs `f` with an empty `String` to format a line into: this thread's, reused from line to
/// line (a fresh one if it is in use, by a line formatted while formatting another).
fn with_line_buffer(f: impl FnOnce(&mut String) -> fmt::Result) -> fmt::Result {
    thread_local! {
        static LINE: RefCell<String> = const { RefCell::new(String::new()) };
    }
    /// A buffer grown past this by a long line is not kept.
    const KEPT: usize = 16 * 1024;
    let mut f = Some(f);
    let mut run = |line: &mut String| f.take().map_or(Ok(()), |f| f(line));
    let reused = LINE.try_with(|line| {
        let mut line = line.try_borrow_mut().ok()?;
        line.clear();
        let result = run(&mut line);
        if line.capacity() > KEPT {
            *line = String::new();
        }
        Some(result)
    });
    match reused {
        Ok(Some(result)) => result,
        // in use, or this thread's storage is gone (it is exiting)
        Ok(None) | Err(_) => run(&mut String::new()),
    }
}

/// `name=value `, the value quoted and escaped when it holds anything but plain visible text, so
/// a value can never forge another field or another line.
fn write_pair(writer: &mut Writer<'_>, name: &str, value: LogValue<'_>) -> fmt::Result {
    match value {
        LogValue::Str(text) if plain(text) => write!(writer, "{name}={text} "),
        LogValue::Str(text) => write!(writer, "{name}={text:?} "),
        LogValue::U64(number) => write!(writer, "{name}={number} "),
        LogValue::I64(number) => write!(writer, "{name}={number} "),
        LogValue::Bool(flag) => write!(writer, "{name}={flag} "),
        // a float or a `Display` value: formatted once to see whether it is plain
        value => {
            let text = value.to_string();
            if plain(&text) {
                write!(writer, "{name}={text} ")
            } else {
                write!(writer, "{name}={text:?} ")
            }
        }
    }
}

/// Visible ASCII, at least one character, no `"` and no `=`: written as it is.
fn plain(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|byte| byte.is_ascii_graphic() && byte != b'"' && byte != b'=')
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::fmt::MakeWriter;
    use tracing_subscriber::fmt::format;

    use super::LogContext;
    use crate::RequestContext;

    #[derive(RequestContext)]
    #[context(crate = crate)]
    struct Ctx {
        #[context(log)]
        request_id: String,
        #[context(log)]
        tenant: u64,
    }

    /// The lines written, shared.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Lines {
        type Writer = Self;
        fn make_writer(&'a self) -> Self {
            self.clone()
        }
    }

    /// A subscriber writing `format`'s lines to `lines`.
    fn subscriber<E>(format: E) -> impl FnOnce(Lines) -> tracing::Dispatch
    where
        E: tracing_subscriber::fmt::FormatEvent<
                tracing_subscriber::Registry,
                format::DefaultFields,
            > + Send
            + Sync
            + 'static,
    {
        |lines| {
            tracing::Dispatch::new(
                tracing_subscriber::fmt()
                    .with_writer(lines)
                    .event_format(format)
                    .finish(),
            )
        }
    }

    /// The one line `emit` logs through the subscriber `make` builds, inside `Ctx` (request id
    /// `id`) or not.
    fn line_of(
        make: impl FnOnce(Lines) -> tracing::Dispatch,
        id: Option<&str>,
        emit: impl FnOnce(),
    ) -> String {
        let lines = Lines::default();
        tracing::dispatcher::with_default(&make(lines.clone()), || match id {
            Some(id) => Ctx::builder()
                .request_id(id.to_owned())
                .tenant(7)
                .build()
                .sync_scope(emit),
            None => emit(),
        });
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 1, "{text}");
        text
    }

    fn json() -> format::Format<format::Json, ()> {
        format().json().flatten_event(true).without_time()
    }

    /// How many times `key` is a top-level key of `line`.
    fn top_level(line: &str, key: &str) -> usize {
        let mut count = 0;
        super::json::object_keys(line.trim_end(), |k| count += usize::from(k == key)).unwrap();
        count
    }

    #[test]
    fn json_fields_are_top_level_keys_escaped_and_an_event_field_wins() {
        let line = line_of(subscriber(LogContext::json(json())), Some("r\"1\n"), || {
            tracing::info!(tenant = "own", "x");
        });
        let parsed: serde_json::Value = serde_json::from_str(&line).expect(&line);
        assert_eq!(parsed["request_id"], "r\"1\n", "{line}");
        assert_eq!(parsed["tenant"], "own", "the event's field wins: {line}");
        assert_eq!(top_level(&line, "tenant"), 1, "{line}");
        assert_eq!(top_level(&line, "request_id"), 1, "{line}");
    }

    #[test]
    fn a_field_of_the_same_name_nested_in_the_line_does_not_hide_ours() {
        let format = format()
            .json()
            .flatten_event(true)
            .without_time()
            .with_current_span(true);
        // span fields written as JSON, for the JSON format to nest them
        let make = |lines: Lines| {
            tracing::Dispatch::new(
                tracing_subscriber::fmt()
                    .json()
                    .with_writer(lines)
                    .event_format(LogContext::json(format))
                    .finish(),
            )
        };
        let line = line_of(make, Some("r-1"), || {
            let span = tracing::info_span!("request", request_id = "in-span");
            let _entered = span.enter();
            tracing::info!(nested = ?["request_id"], "x");
        });
        let parsed: serde_json::Value = serde_json::from_str(&line).expect(&line);
        assert_eq!(parsed["request_id"], "r-1", "{line}");
        assert_eq!(parsed["tenant"], 7, "{line}");
        assert_eq!(top_level(&line, "request_id"), 1, "{line}");
    }

    #[test]
    fn without_a_context_or_json_the_line_is_the_inner_formats() {
        let emit = || tracing::info!(order = 1, "x");
        assert_eq!(
            line_of(subscriber(LogContext::json(json())), None, emit),
            line_of(subscriber(json()), None, emit)
        );
        // Not a JSON object: left as the inner format wrote it.
        let text = format().without_time().with_ansi(false);
        assert_eq!(
            line_of(
                subscriber(LogContext::json(text.clone())),
                Some("r-1"),
                emit
            ),
            line_of(subscriber(text), None, emit)
        );
    }
}
