//! The `tracing` integration (feature `tracing`): every event emitted inside a context carries
//! the context's `#[context(log)]` fields, spawned work included.

use std::fmt;

use tracing_core::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use crate::{LogValue, log_fields};

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

    /// Adds the context's fields as top-level keys of every JSON line of `inner`. An event field
    /// of the same name wins. A line that is not a JSON object is left as it is.
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
        let Ok(mut object) =
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&line)
        else {
            return writer.write_str(&line);
        };
        log_fields(|name, value| {
            object.entry(name).or_insert_with(|| json_value(value));
        });
        let json = serde_json::to_string(&object).map_err(|_| fmt::Error)?;
        writeln!(writer, "{json}")
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
