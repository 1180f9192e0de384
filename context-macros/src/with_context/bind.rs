//! What a rewritten spawn call becomes, and the type check of `#[with_context(A, B)]`.
//!
//! At a spawn call the argument is evaluated, then its type picks how it is bound (see
//! `context_runtime::__private::bind`): a future is wrapped in the contexts, a closure without
//! parameters runs inside them, anything else passes through untouched. `#[with_context]` binds
//! a `Snapshot` of every context set at the call; `#[with_context(A, B)]` captures the named
//! types' values (`(capture::<A>(), (capture::<B>(), ()))`) and enters them as nested scopes,
//! with no dynamic dispatch. Under `#[with_context]`, a future given to tokio's own function, or
//! a closure to tokio's or std's, by a path under the crate's name, is wrapped without asking
//! its type: the probe's method resolution is most of what a spawn site costs to compile.
//!
//! A named type that is not a context is reported once, at its name in the attribute, by the
//! check each item gets ([`type_check`]). The captures at the spawn calls require the same bound
//! at the same tokens (the same diagnostic, which rustc reports once), and nothing after them
//! does: the runtime's `Captured<T>` enters whatever `T` is, so no error reaches the spawn call.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::Expr;
use syn::spanned::Spanned;

use super::args::Args;

/// What a spawn call takes at the rewritten argument.
#[derive(Clone, Copy)]
pub(super) enum Takes {
    /// A future, by tokio's own function under the crate's name (`tokio::spawn`).
    SurelyFuture,
    /// A closure, by tokio's or std's own function under the crate's name
    /// (`tokio::task::spawn_blocking`, `std::thread::spawn`).
    SurelyClosure,
    /// A future, by a function under a shorter path (`spawn_local`, `task::spawn`: maybe a
    /// function of the user's) or a method; or anything else, passed through.
    Future,
    /// Likewise, a closure (`thread::spawn`, `.spawn_blocking(..)`).
    Closure,
    /// Depends on the receiver: decided by the argument's type.
    Either,
}

/// With named types: proves each is a context type, at its name in the attribute, even where
/// nothing is spawned. Emitted once per item.
pub(super) fn type_check(args: &Args) -> Option<TokenStream> {
    if args.types.is_empty() {
        return None;
    }
    let private = &args.private;
    let checks = args
        .types
        .iter()
        .map(|ty| quote_spanned!(ty.span()=> let _ = #private::bind::capture::<#ty>;));
    Some(quote!(const _: () = { #(#checks)* };))
}

/// The spawn call's argument, evaluated once, then bound by its kind with the contexts taken at
/// the call (`capture` is called only when the argument is bound).
pub(super) fn wrap(args: &Args, takes: Takes, arg: &Expr) -> Expr {
    let private = &args.private;
    let kinds = match takes {
        // No probe for a future taken by tokio's own function with every context: a plain call
        // is much cheaper to compile, and `future` asks nothing of its argument, so tokio's own
        // bound still refuses one that is not a future, at the call.
        Takes::SurelyFuture if args.types.is_empty() => {
            return Expr::Verbatim(quote_spanned! {arg.span()=>
                #private::bind::future(#arg)
            });
        }
        // Likewise for a closure: a non-closure is refused at the argument, by `sync_scope`'s
        // bound (std's names `spawn`'s; the message and its help are the same). Written out
        // rather than `Snapshot::bind(f)`: a generic function's `impl FnOnce` result adds two
        // more errors for a non-closure.
        Takes::SurelyClosure if args.types.is_empty() => {
            return Expr::Verbatim(quote_spanned! {arg.span()=>
                {
                    let __context_f = #arg;
                    let __context_s = #private::Snapshot::capture();
                    move || __context_s.sync_scope(__context_f)
                }
            });
        }
        Takes::SurelyFuture | Takes::Future => quote!(AsFuture as _, AsOther as _),
        Takes::SurelyClosure | Takes::Closure => quote!(AsClosure as _, AsOther as _),
        Takes::Either => quote!(AsFuture as _, AsClosure as _, AsOther as _),
    };
    let capture = capture(args);
    Expr::Verbatim(quote_spanned! {arg.span()=>
        match #arg {
            __context_arg => {
                #[allow(unused_imports)] // one of them is picked
                use #private::bind::{#kinds};
                (&&#private::bind::Probe::of(&__context_arg)).__kind().bind(#capture, __context_arg)
            }
        }
    })
}

/// What takes the contexts at a spawn call: a `Snapshot` of every one set, or the named types'
/// values, each capture spanned at the type's name in the attribute.
fn capture(args: &Args) -> TokenStream {
    let private = &args.private;
    if args.types.is_empty() {
        return quote!(#private::Snapshot::capture);
    }
    let captured = args.types.iter().rev().fold(quote!(()), |rest, ty| {
        let one = quote_spanned!(ty.span()=> #private::bind::capture::<#ty>());
        quote!((#one, #rest))
    });
    quote!(|| #captured)
}
