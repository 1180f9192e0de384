//! `#[with_context]`: rewrites the spawn calls in a function (or in every function of an impl
//! block or inline module) so that the spawned work runs inside the contexts set at the call.
//!
//! Pipeline: `args` (parse the attribute's arguments), `item` (accept the item or explain why
//! not), `rewrite` (the body visitor), which asks `bind` what a spawn call's argument becomes.
//! On any error the user's item is emitted unchanged next to the error, so the rest of the crate
//! keeps compiling and IDEs keep working.

mod args;
mod bind;
mod item;
mod rewrite;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ctxt::Ctxt;

pub(crate) fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut cx = Ctxt::new();
    let args = args::parse(&mut cx, args);
    let item = item::parse(&mut cx, input.clone());
    match (cx.check(), args, item) {
        (Ok(()), Some(args), Some(mut item)) => {
            let beside = rewrite::rewrite(&args, &mut item);
            quote!(#item #beside)
        }
        (result, _, _) => {
            let errors = result.err().map(|error| error.to_compile_error());
            quote!(#errors #input)
        }
    }
}
