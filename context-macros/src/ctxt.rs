//! Collects every user error of one macro invocation, so all of them are reported in one compile.

use std::fmt::Display;

use quote::ToTokens;

/// The errors found so far. Must be consumed with [`Ctxt::check`]: dropping it unchecked is a bug
/// in this crate (it would swallow user errors), caught in debug builds.
pub(crate) struct Ctxt {
    errors: Option<Vec<syn::Error>>,
}

impl Ctxt {
    pub(crate) fn new() -> Self {
        Self {
            errors: Some(Vec::new()),
        }
    }

    /// Records an error spanning `tokens`.
    pub(crate) fn error_spanned_by(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.syn_error(syn::Error::new_spanned(tokens.into_token_stream(), message));
    }

    /// Records an error produced by syn (a parse error, or one built with a span).
    pub(crate) fn syn_error(&mut self, error: syn::Error) {
        if let Some(errors) = &mut self.errors {
            errors.push(error);
        }
    }

    /// Consumes the collector: `Err` with every error combined, if there was any.
    pub(crate) fn check(mut self) -> syn::Result<()> {
        let errors = self.errors.take().unwrap_or_default();
        let mut errors = errors.into_iter();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for error in errors {
            combined.combine(error);
        }
        Err(combined)
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        debug_assert!(
            self.errors.is_none() || std::thread::panicking(),
            "context-macros bug: Ctxt dropped without check()",
        );
    }
}
