//! What `#[with_context]` can go on: a function (free, method or trait-impl function, sync or
//! async), an impl block, a trait with default method bodies, or an inline module.

use proc_macro2::TokenStream;
use syn::Item;

use crate::ctxt::Ctxt;

pub(crate) fn parse(cx: &mut Ctxt, tokens: TokenStream) -> Option<Item> {
    let item = match syn::parse2::<Item>(tokens) {
        Ok(item) => item,
        Err(error) => {
            cx.syn_error(error);
            return None;
        }
    };
    match &item {
        Item::Fn(_) | Item::Impl(_) | Item::Trait(_) => Some(item),
        Item::Mod(module) if module.content.is_some() => Some(item),
        Item::Mod(module) => {
            cx.error_spanned_by(
                module,
                "`#[with_context]` on a module needs the module's body here (`mod name { .. }`): \
                 put the attribute on the functions or impl blocks inside the file instead",
            );
            None
        }
        Item::Verbatim(_) => {
            cx.error_spanned_by(
                &item,
                "`#[with_context]` needs a function with a body: it rewrites the spawn calls \
                 inside it",
            );
            None
        }
        _ => {
            cx.error_spanned_by(
                &item,
                "`#[with_context]` goes on a function, an impl block, a trait or an inline \
                 module: it rewrites the spawn calls in their bodies so that spawned work \
                 keeps the request context",
            );
            None
        }
    }
}
