//! Procedural macros of [`context-runtime`](https://docs.rs/context-runtime). Depend on
//! `context-runtime`, which re-exports them with their documentation and holds the code they call.
//!
//! Each macro is a pipeline whose stages have a file each: `ast` (parse the input into a model),
//! `attr` (parse `#[context(...)]`), `check` (every rule a user can break, all errors collected in
//! a `ctxt::Ctxt`), `expand` (generate code from a checked model; never reports user errors).

#![forbid(unsafe_code)]

mod ast;
mod attr;
mod check;
mod ctxt;
mod expand;
mod with_context;

#[cfg(test)]
mod snapshots;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives a frozen request context. Documented in `context-runtime`, which re-exports it.
#[proc_macro_derive(RequestContext, attributes(context))]
pub fn derive_request_context(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input).into()
}

/// Makes the spawn calls in a function, impl block, trait or inline module carry the request
/// context. Documented in `context-runtime`, which re-exports it.
#[proc_macro_attribute]
pub fn with_context(args: TokenStream, item: TokenStream) -> TokenStream {
    with_context::expand(args.into(), item.into()).into()
}
