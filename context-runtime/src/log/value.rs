//! [`ToLogValue`]: how a `#[context(log)]` field's type goes on a log line.

use std::borrow::Cow;
use std::net::IpAddr;
use std::sync::Arc;

use crate::LogValue;

/// A type that can go on log lines as a `#[context(log)]` field. Implemented for strings,
/// numbers, `bool`, `IpAddr`, and `Option`s of them (`None` leaves the field off the line).
///
/// For a type of your own with `Display`, one line does it:
///
/// ```
/// use std::fmt;
/// use context_runtime::{LogValue, RequestContext, ToLogValue};
///
/// struct TenantId(u32);
///
/// impl fmt::Display for TenantId {
///     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { write!(f, "t-{}", self.0) }
/// }
/// # impl fmt::Debug for TenantId {
/// #     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { fmt::Display::fmt(self, f) }
/// # }
///
/// impl ToLogValue for TenantId {
///     fn to_log_value(&self) -> Option<LogValue<'_>> { Some(LogValue::Display(self)) }
/// }
///
/// #[derive(RequestContext)]
/// struct Ctx { #[context(log)] tenant: TenantId }
///
/// let line = Ctx::builder().tenant(TenantId(7)).build().sync_scope(|| {
///     let mut line = String::new();
///     context_runtime::log_fields(|name, value| line.push_str(&format!("{name}={value}")));
///     line
/// });
/// assert_eq!(line, "tenant=t-7");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot go on log lines",
    label = "this `#[context(log)]` field",
    note = "implement `context_runtime::ToLogValue` for it (`Some(LogValue::Display(self))` for a \
            type with `Display`), or remove `log`"
)]
pub trait ToLogValue {
    /// The value to log, or `None` to leave the field off the line.
    fn to_log_value(&self) -> Option<LogValue<'_>>;
}

impl ToLogValue for str {
    fn to_log_value(&self) -> Option<LogValue<'_>> {
        Some(LogValue::Str(self))
    }
}

macro_rules! via_deref {
    ($($ty:ty),*) => {$(
        impl<T: ToLogValue + ?Sized> ToLogValue for $ty {
            fn to_log_value(&self) -> Option<LogValue<'_>> {
                (**self).to_log_value()
            }
        }
    )*};
}

via_deref!(&T, Box<T>, Arc<T>);

impl ToLogValue for String {
    fn to_log_value(&self) -> Option<LogValue<'_>> {
        Some(LogValue::Str(self))
    }
}

impl ToLogValue for Cow<'_, str> {
    fn to_log_value(&self) -> Option<LogValue<'_>> {
        Some(LogValue::Str(self))
    }
}

macro_rules! number {
    ($variant:ident as $as:ty: $($ty:ty),*) => {$(
        impl ToLogValue for $ty {
            fn to_log_value(&self) -> Option<LogValue<'_>> {
                Some(LogValue::$variant(<$as>::from(*self)))
            }
        }
    )*};
}

number!(U64 as u64: u8, u16, u32, u64);
number!(I64 as i64: i8, i16, i32, i64);
number!(F64 as f64: f32, f64);

impl ToLogValue for bool {
    fn to_log_value(&self) -> Option<LogValue<'_>> {
        Some(LogValue::Bool(*self))
    }
}

macro_rules! display {
    ($($ty:ty),*) => {$(
        impl ToLogValue for $ty {
            fn to_log_value(&self) -> Option<LogValue<'_>> {
                Some(LogValue::Display(self))
            }
        }
    )*};
}

display!(usize, isize, u128, i128, char, IpAddr);

impl<T: ToLogValue> ToLogValue for Option<T> {
    fn to_log_value(&self) -> Option<LogValue<'_>> {
        self.as_ref().and_then(ToLogValue::to_log_value)
    }
}
