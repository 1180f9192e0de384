//! Procedural macros of [`context-runtime`](https://docs.rs/context-runtime). Depend on
//! `context-runtime`, which re-exports them with their documentation and holds the code they call.
//!
//! Each macro is a pipeline in a folder of its own, one file per stage:
//!
//! - `derive/`: `ast` (the input's model, whatever its shape) with `attr` (`#[context(...)]`) →
//!   `check` (every rule a user can break) → `expand` (the code of a usable input; reports no
//!   user errors) or `fallback` (what an unusable shape still gets, so its uses type-check and
//!   the real error is the only one).
//! - `with_context/`: `args` (the attribute's arguments) → `item` (what it may go on) →
//!   `rewrite` (the body visitor) with `bind` (what a rewritten spawn call becomes).
//!
//! Shared: `ctxt` collects every user error of one invocation, so all are reported in one
//! compile; `rules` holds the policy tables the checks read (reserved names, the well-known
//! types a context refuses and the paths they live under).

#![forbid(unsafe_code)]

mod ctxt;
mod derive;
mod rules;
mod with_context;

#[cfg(test)]
mod snapshots;

use proc_macro::TokenStream;
use quote::quote;
use syn::{DeriveInput, Path, parse_macro_input};

/// Derives a frozen request context. Documented in `context-runtime`, which re-exports it.
#[proc_macro_derive(RequestContext, attributes(context))]
pub fn derive_request_context(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive::derive(&input).into()
}

/// Makes the spawn calls in a function, impl block, trait or inline module carry the request
/// context. Documented in `context-runtime`, which re-exports it.
#[proc_macro_attribute]
pub fn with_context(args: TokenStream, item: TokenStream) -> TokenStream {
    with_context::expand(args.into(), item.into()).into()
}

/// `::context_runtime::__private`, the one path generated code names, or the same under the
/// `crate = path` a re-exporter gives.
fn private_path(krate: Option<&Path>) -> proc_macro2::TokenStream {
    if let Some(krate) = krate {
        quote!(#krate::__private)
    } else {
        quote!(::context_runtime::__private)
    }
}
