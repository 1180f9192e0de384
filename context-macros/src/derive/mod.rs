//! `#[derive(RequestContext)]`.
//!
//! Pipeline: `ast` (parse the input into a model, whatever its shape) with `attr` (parse
//! `#[context(...)]`), then `check` (every rule a user can break, all errors collected in a
//! `Ctxt`), then `expand` (the code of a usable input; reports no user errors) or, for a shape
//! that cannot carry a context, `fallback` (a stub, so the real error is the only one).

mod ast;
mod attr;
mod check;
mod expand;
mod fallback;

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::ctxt::Ctxt;
use ast::Input;

/// The whole derive: the errors, then the expansion (or the stub), so a user with a mistake does
/// not also get errors at every use of the builder and getters.
pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let mut cx = Ctxt::new();
    let model = Input::from_ast(&mut cx, input);
    check::check(&mut cx, &model);
    let errors = cx.check().err().map(|error| error.to_compile_error());
    let expansion = if model.is_usable() {
        expand::expand(&model)
    } else {
        fallback::expand(&model)
    };
    quote! {
        #errors
        #expansion
    }
}
