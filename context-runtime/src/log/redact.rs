//! How `#[context(sensitive)]` fields print.

use std::fmt;

/// What `Debug` prints in place of a `#[context(sensitive)]` field's value.
///
/// ```
/// use context_runtime::RequestContext;
///
/// #[derive(RequestContext)]
/// struct Ctx {
///     user: String,
///     #[context(sensitive)]
///     token: String,
/// }
///
/// let ctx = Ctx::builder().user("alice".into()).token("s3cr3t".into()).build();
/// assert_eq!(format!("{ctx:?}"), r#"Ctx { user: "alice", token: <redacted> }"#);
/// ```
pub const REDACTED: &str = "<redacted>";

/// Formats as [`REDACTED`], whatever it stands for.
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}
