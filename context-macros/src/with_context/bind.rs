//! What a rewritten spawn call becomes, and the type check of `#[with_context(A, B)]`.
//!
//! At a spawn call the argument is evaluated, then its type picks how it is bound (see
//! `context_runtime::__private::bind`): a future is wrapped in the contexts, a closure without
//! parameters runs inside them, anything else passes through untouched. `#[with_context]` binds a
//! `Snapshot` of every context set at the call; `#[with_context(A, B)]` captures the named types'
//! values one by one and enters them as nested scopes, with no dynamic dispatch.
//!
//! A named type that is not a context is reported once, at its name in the attribute, by the
//! check each item gets ([`type_check`]), and nowhere else. That is why the typed binds are not
//! written at the spawn call but in helpers at the top of the function body ([`typed_binds`]):
//! - each type's capture and the call that enters it are spanned at the type's tokens, first to
//!   last, where the check reports the same unmet bound: rustc reports it once per place;
//! - the helpers return `impl Future` / `impl FnOnce`, which name no captured type, so nothing
//!   about a failed capture reaches the spawn call. (The runtime's own `ClosureKind::bind`
//!   returns an `impl FnOnce` whose bounds include the capture's `Enter`: every use of it would
//!   report the non-context type again, so the closure is built here.)

use proc_macro2::{Group, Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, Path};

use super::args::Args;

/// What a spawn call takes at the rewritten argument.
#[derive(Clone, Copy)]
pub(super) enum Takes {
    Future,
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

/// The spawn call's argument, evaluated once, then bound by its kind.
pub(super) fn wrap(args: &Args, takes: Takes, arg: &Expr) -> Expr {
    let private = &args.private;
    let kinds = match takes {
        Takes::Future => quote!(AsFuture as _, AsOther as _),
        Takes::Closure => quote!(AsClosure as _, AsOther as _),
        Takes::Either => quote!(AsFuture as _, AsClosure as _, AsOther as _),
    };
    let bind = if args.types.is_empty() {
        quote!(bind(#private::Snapshot::capture, __context_arg))
    } else {
        // A method of the helpers of `typed_binds`, at the top of the body.
        quote!(__context_bind(__context_arg))
    };
    Expr::Verbatim(quote_spanned! {arg.span()=>
        match #arg {
            __context_arg => {
                #[allow(unused_imports)] // one of them is picked
                use #private::bind::{#kinds};
                (&&#private::bind::Probe::of(&__context_arg)).__kind().#bind
            }
        }
    })
}

/// With named types, the binds of one function body: a method `__context_bind` on each of the
/// three kinds a spawn argument can be, capturing the named types at the call.
pub(super) fn typed_binds(args: &Args) -> TokenStream {
    let private = &args.private;
    let types: Vec<Typed<'_>> = args
        .types
        .iter()
        .enumerate()
        .map(|(i, ty)| Typed::new(i, ty, private))
        .collect();
    let captures: Vec<TokenStream> = types.iter().map(Typed::capture).collect();
    // `A.scope(B.scope(future))`: the first type outermost.
    let scoped = types.iter().rev().fold(quote!(future), |inner, ty| {
        let (value, enter) = (ty.value(), ty.method("scope"));
        quote_spanned!(ty.last=> #enter(#value, #inner))
    });
    // `move || A.enter(move || B.enter(f))`: captured at the call, entered when it runs.
    let entered = types.iter().rev().fold(quote!(f), |inner, ty| {
        let (value, enter) = (ty.value(), ty.method("enter"));
        quote_spanned!(ty.last=> move || #enter(&mut #value, #inner))
    });
    quote! {
        #[allow(dead_code)]
        trait __ContextScope {
            fn __context_bind<__F: ::core::future::Future>(self, future: __F) -> impl ::core::future::Future<Output = __F::Output>;
        }

        impl __ContextScope for #private::bind::FutureKind {
            #[inline]
            fn __context_bind<__F: ::core::future::Future>(self, future: __F) -> impl ::core::future::Future<Output = __F::Output> {
                #(let #captures)*
                #scoped
            }
        }

        #[allow(dead_code)]
        trait __ContextEnter {
            fn __context_bind<__F: ::core::ops::FnOnce() -> __R, __R>(self, f: __F) -> impl ::core::ops::FnOnce() -> __R;
        }

        impl __ContextEnter for #private::bind::ClosureKind {
            #[inline]
            fn __context_bind<__F: ::core::ops::FnOnce() -> __R, __R>(self, f: __F) -> impl ::core::ops::FnOnce() -> __R {
                #(let mut #captures)*
                #entered
            }
        }

        #[allow(dead_code)]
        trait __ContextPass {
            fn __context_bind<__T>(self, value: __T) -> __T;
        }

        impl __ContextPass for #private::bind::OtherKind {
            #[inline]
            fn __context_bind<__T>(self, value: __T) -> __T {
                value
            }
        }
    }
}

/// One named type of `#[with_context(A, B)]` in the typed binds.
struct Typed<'a> {
    ty: &'a Path,
    /// The variable holding the type's capture.
    name: Ident,
    /// `private`, spanned at the type's first token.
    private: TokenStream,
    /// The span of the type's first and last tokens.
    first: Span,
    last: Span,
}

impl<'a> Typed<'a> {
    fn new(i: usize, ty: &'a Path, private: &TokenStream) -> Self {
        let first = ty.span();
        let last = ty
            .to_token_stream()
            .into_iter()
            .last()
            .map_or(first, |token| token.span());
        Typed {
            ty,
            name: format_ident!("__context_{}", i, span = first),
            private: respan(private, first),
            first,
            last,
        }
    }

    /// `__context_0 = (capture::<A>(),);`: the capture, in a one-tuple so that `value` can span
    /// the type's tokens.
    fn capture(&self) -> TokenStream {
        let Self {
            ty, name, private, ..
        } = self;
        quote_spanned!(self.first=> #name = (#private::bind::capture::<#ty>(),);)
    }

    /// `__context_0.0`, from the type's first token to its last: an unmet bound of the value is
    /// reported there, where the capture reports it.
    fn value(&self) -> TokenStream {
        let name = &self.name;
        let field = quote_spanned!(self.last=> .0);
        quote!(#name #field)
    }

    /// `Enter::<method>`, from the type's first token to its last.
    fn method(&self, method: &str) -> TokenStream {
        let private = &self.private;
        let method = Ident::new(method, self.last);
        let path = quote_spanned!(self.last=> ::Enter::#method);
        quote!(#private #path)
    }
}

/// `tokens`, every one of them (nested ones too) spanned at `span`.
fn respan(tokens: &TokenStream, span: Span) -> TokenStream {
    tokens
        .clone()
        .into_iter()
        .map(|token| match token {
            TokenTree::Group(group) => {
                let mut respanned = Group::new(group.delimiter(), respan(&group.stream(), span));
                respanned.set_span(span);
                TokenTree::Group(respanned)
            }
            mut token => {
                token.set_span(span);
                token
            }
        })
        .collect()
}
