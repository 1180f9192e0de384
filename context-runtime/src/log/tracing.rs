//! The `tracing` integration (feature `tracing`): every event emitted inside a context carries
//! the context's `#[context(log)]` fields, spawned work included.

use std::collections::HashMap;
use std::fmt;

use serde::de::IgnoredAny;
use tracing_core::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use super::log_fields;
use crate::LogValue;

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
}

impl<F> LogContext<F> {
    /// Leads every text line of `inner` with the context's `name=value` pairs.
    pub fn text(inner: F) -> Self {
        Self { inner, json: false }
    }

    /// Adds the context's fields as top-level keys of every JSON line of `inner`, after its own
    /// keys, which keep their order. An event field of the same name wins. A line that is not a
    /// JSON object is left as it is.
    pub fn json(inner: F) -> Self {
        Self { inner, json: true }
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
            log_fields(|name, value| {
                result = result.and_then(|()| write_pair(&mut writer, name, value));
            });
            result?;
            return self.inner.format_event(ctx, writer, event);
        }
        let mut line = String::new();
        self.inner
            .format_event(ctx, Writer::new(&mut line), event)?;
        // Our fields go in before the object's closing brace: the inner format's keys keep their
        // order and their bytes, and nothing is serialized twice.
        let object = line.trim_end();
        let (Some(body), Ok(keys)) = (
            object.strip_suffix('}'),
            serde_json::from_str::<HashMap<String, IgnoredAny>>(object),
        ) else {
            return writer.write_str(&line);
        };
        writer.write_str(body)?;
        let mut empty = body.trim_end().ends_with('{');
        let mut result = Ok(());
        log_fields(|name, value| {
            if result.is_err() || keys.contains_key(name) {
                return;
            }
            let separator = if empty { "" } else { "," };
            empty = false;
            result = write!(writer, "{separator}\"{name}\":{}", json_value(value));
        });
        result?;
        writer.write_str(&line[body.len()..])
    }
}

/// `name=value `, the value quoted and escaped when it holds anything but plain visible text, so
/// a value can never forge another field or another line.
fn write_pair(writer: &mut Writer<'_>, name: &str, value: LogValue<'_>) -> fmt::Result {
    let text = value.to_string();
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '"' && c != '=');
    if plain {
        write!(writer, "{name}={text} ")
    } else {
        write!(writer, "{name}={text:?} ")
    }
}

fn json_value(value: LogValue<'_>) -> serde_json::Value {
    match value {
        LogValue::Str(text) => text.into(),
        LogValue::U64(number) => number.into(),
        LogValue::I64(number) => number.into(),
        LogValue::F64(number) => serde_json::Number::from_f64(number)
            .map_or_else(|| number.to_string().into(), Into::into),
        LogValue::Bool(flag) => flag.into(),
        LogValue::Display(value) => value.to_string().into(),
    }
}
