// `#[context(crate = "path")]` (string form) names the runtime crate; a shim path proves the generated code really goes through it.
use context_runtime::RequestContext;

/// A stand-in for the runtime path whose `__private::Redacted` prints differently, so the output shows
/// which path the generated `Debug` impl used.
mod shim {
    pub mod __private {
        pub use context_runtime::__private::*;

        pub struct Redacted;

        impl std::fmt::Debug for Redacted {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("<redacted via shim>")
            }
        }
    }
}

#[derive(RequestContext)]
#[context(crate = "context_runtime")]
pub struct Direct {
    #[context(sensitive)]
    token: String,
}

#[derive(RequestContext)]
#[context(crate = "crate::shim")]
pub struct ThroughShim {
    #[context(sensitive)]
    token: String,
}

fn main() {
    let direct = Direct::builder().token("a".to_owned()).build();
    assert_eq!(
        format!("{direct:?}"),
        format!("Direct {{ token: {} }}", context_runtime::REDACTED)
    );

    let shimmed = ThroughShim::builder().token("b".to_owned()).build();
    assert_eq!(
        format!("{shimmed:?}"),
        "ThroughShim { token: <redacted via shim> }"
    );
    assert_eq!(
        shimmed.sync_scope(|| ThroughShim::with(|c| c.token().clone())),
        "b"
    );
}
