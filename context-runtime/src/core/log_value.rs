//! [`LogValue`]: the value of a `#[context(log)]` field, as the generated hook hands it over.
//!
//! It lives in the core, beside the hook that speaks it, so that the core depends on nothing else
//! in this crate; the logging API built on it ([`ToLogValue`](crate::ToLogValue),
//! [`log_fields`](crate::log_fields), the `tracing` integration) is in `log`.

use std::fmt;

/// The value of a `#[context(log)]` field, as a log line shows it: numbers stay numbers in JSON.
#[derive(Clone, Copy)]
pub enum LogValue<'a> {
    /// Text.
    Str(&'a str),
    /// An unsigned integer.
    U64(u64),
    /// A signed integer.
    I64(i64),
    /// A floating-point number.
    F64(f64),
    /// A boolean.
    Bool(bool),
    /// Anything with `Display` (ids, addresses): shown as text.
    Display(&'a dyn fmt::Display),
}

impl fmt::Debug for LogValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Str(text) => fmt::Debug::fmt(text, f),
            Self::Display(value) => fmt::Debug::fmt(&value.to_string(), f),
            other => fmt::Display::fmt(other, f),
        }
    }
}

impl fmt::Display for LogValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Str(text) => f.write_str(text),
            Self::U64(value) => fmt::Display::fmt(value, f),
            Self::I64(value) => fmt::Display::fmt(value, f),
            Self::F64(value) => fmt::Display::fmt(value, f),
            Self::Bool(value) => fmt::Display::fmt(value, f),
            Self::Display(value) => fmt::Display::fmt(value, f),
        }
    }
}
