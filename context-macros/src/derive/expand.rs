//! Generates the code of `#[derive(RequestContext)]` for a usable input (see `fallback` for the
//! others). User errors are reported by `check`; this file only decides what to emit.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Ident, Visibility};

use super::ast::{Field, Input};

/// Everything a usable context type gets: getters, the typed builder (declared beside the type,
/// so it can be named), the reads by type, `extract` and `inject`, `Debug`, the task-local and the
/// `RequestContext` impl, and the per-field `Send + Sync` assertions.
pub(super) fn expand(input: &Input<'_>) -> TokenStream {
    let private = input.private();
    let ident = input.ident;
    let vis = input.vis;

    let getters = input
        .fields
        .iter()
        .filter(|field| field.has_getter())
        .map(|field| getter(field, vis));
    let BuilderTokens {
        outside: builder_items,
        inside: builder,
    } = builder(input, &private);
    let reads = reads(input, &private);
    let debug = input
        .derives_debug
        .is_none()
        .then(|| debug(input, &private));
    let log_fields = log_fields(input, &private);
    let propagate = propagate(input, &private);
    let injection = injection(input, &private);
    let sealed = input
        .attrs
        .sealed
        .map(|span| quote_spanned!(span=> const __SEALED: bool = true;));
    // A field already refused for interior mutability (or a type macro) is not also reported as
    // `!Sync`.
    let assertions = input
        .fields
        .iter()
        .filter(|field| field.unfrozen.is_empty())
        .map(|field| {
            let ty = field.ty;
            quote_spanned!(ty.span()=> #private::assert_field::<#ty>();)
        });

    quote! {
        #builder_items

        #[allow(non_camel_case_types, clippy::all, clippy::pedantic)]
        const _: () = {
            // An unused getter is not worth a warning: rustc still says when a field is never read.
            #[automatically_derived]
            #[allow(dead_code)]
            impl #ident {
                #(#getters)*
            }

            #reads
            #builder
            #injection
            #debug

            #private::task_local! {
                static __CONTEXT: #private::Current<#ident>;
            }

            #[automatically_derived]
            impl #private::Sealed for #ident {}

            // The `for<'__a>` bound keeps a `!Send`/`!Sync` field from being reported a second
            // time here: the per-field assertions below report it at the field.
            #[automatically_derived]
            impl #private::RequestContext for #ident where for<'__a> #ident: ::core::marker::Send + ::core::marker::Sync {
                #[inline]
                fn __storage() -> &'static #private::LocalKey<#private::Current<Self>> {
                    &__CONTEXT
                }

                #sealed

                #log_fields
                #propagate
            }

            // One constant for all the fields: rustc evaluates each `const` item on its own, and
            // one per field made a 24-field context's assertions cost twice as much to check.
            const _: () = { #(#assertions)* };
        };
    }
}

/// `scope`, `sync_scope`, `current`, `try_current`, `with` and `try_with` as inherent functions,
/// so that a module using a context needs no trait in scope (the trait's stay, for generic code).
/// Each calls the trait's; their `for<'__a>` bound, like the trait impl's, keeps a field that is
/// not `Sync` from being reported here again.
fn reads(input: &Input<'_>, private: &TokenStream) -> TokenStream {
    let (context, vis) = (input.ident, input.vis);
    let name = context.to_string();
    let sealed = input.attrs.sealed.map(|_| {
        format!(
            " `{name}` is sealed: where another `{name}` is set, entering this one panics \
             (re-entering the same value, as spawned work does, is fine)."
        )
    });
    let scope = format!(
        " Runs `fut` with this `{name}` as the current one: every poll of `fut`, at any depth, \
         reads it.{}",
        sealed
            .as_deref()
            .unwrap_or(" Scopes nest: an inner one shadows this one until it ends.")
    );
    let sync_scope = format!(
        " Runs `f` with this `{name}` as the current one, for blocking code (a `spawn_blocking` \
         closure, a thread).{}",
        sealed.as_deref().unwrap_or_default()
    );
    let current = format!(
        " A shared, read-only handle to the current `{name}`, which can outlive the scope and \
         re-enter it elsewhere."
    );
    let try_current = format!(" The current `{name}`, or `None` outside any scope of `{name}`.");
    let with = format!(
        " Calls `f` with the current `{name}` (its handle, which dereferences to `&{name}`): \
         the cheapest read."
    );
    let try_with = format!(
        " Calls `f` with the current `{name}` (its handle, which dereferences to `&{name}`), or \
         returns `None` outside any scope of `{name}`."
    );
    let panics = format!(
        " Outside any scope of `{name}`, at the caller's line, saying how to set one: \
         `{name}::scope` at the edge, `#[with_context]` or `context_runtime::spawn` for spawned \
         work. Use the `try_` form where a miss is expected."
    );
    quote! {
        #[automatically_derived]
        impl #context {
            #[doc = #scope]
            #[inline]
            #vis fn scope<__F: ::core::future::Future>(self, fut: __F) -> #private::Scoped<Self, __F>
            where
                for<'__a> Self: #private::RequestContext,
            {
                <Self as #private::RequestContext>::scope(self, fut)
            }

            #[doc = #sync_scope]
            #[inline]
            #vis fn sync_scope<__R>(self, f: impl ::core::ops::FnOnce() -> __R) -> __R
            where
                for<'__a> Self: #private::RequestContext,
            {
                <Self as #private::RequestContext>::sync_scope(self, f)
            }

            #[doc = #current]
            ///
            /// # Panics
            ///
            #[doc = #panics]
            #[inline]
            #[track_caller]
            #vis fn current() -> #private::Current<Self>
            where
                for<'__a> Self: #private::RequestContext,
            {
                <Self as #private::RequestContext>::current()
            }

            #[doc = #try_current]
            #[inline]
            #vis fn try_current() -> ::core::option::Option<#private::Current<Self>>
            where
                for<'__a> Self: #private::RequestContext,
            {
                <Self as #private::RequestContext>::try_current()
            }

            #[doc = #with]
            ///
            /// # Panics
            ///
            #[doc = #panics]
            #[inline]
            #[track_caller]
            #vis fn with<__R>(f: impl ::core::ops::FnOnce(&#private::Current<Self>) -> __R) -> __R
            where
                for<'__a> Self: #private::RequestContext,
            {
                <Self as #private::RequestContext>::with(f)
            }

            #[doc = #try_with]
            #[inline]
            #vis fn try_with<__R>(f: impl ::core::ops::FnOnce(&#private::Current<Self>) -> __R) -> ::core::option::Option<__R>
            where
                for<'__a> Self: #private::RequestContext,
            {
                <Self as #private::RequestContext>::try_with(f)
            }
        }
    }
}

/// `fn field(&self) -> &T`, or `Option<&T>` for `Option<T>`; the field's docs become the getter's.
pub(super) fn getter(field: &Field<'_>, vis: &Visibility) -> TokenStream {
    let ident = field.ident;
    let fallback = docs(field).next().is_none().then(|| {
        let doc = format!(" The `{}` of this context.", field.name);
        quote!(#[doc = #doc])
    });
    let docs = docs(field);
    let (ty, body) = if let Some(inner) = field.option_of {
        (
            quote!(::core::option::Option<&#inner>),
            quote!(self.#ident.as_ref()),
        )
    } else {
        let ty = field.ty;
        (quote!(&#ty), quote!(&self.#ident))
    };
    quote_spanned! {ident.span()=>
        #(#docs)*
        #fallback
        #[inline]
        #[must_use]
        #vis fn #ident(&self) -> #ty {
            #body
        }
    }
}

/// The typed builder: one state parameter per field (`Unset` until its setter is called, `Set`
/// afterwards, `Extracted` / `Defaulted` from a carrier). The struct and the alias of what
/// `extract` returns are declared next to the context, so users can name them; the impls, and
/// the traits that check the states, go in the context's `const _` block.
struct Builder<'a> {
    input: &'a Input<'a>,
    private: &'a TokenStream,
    ident: Ident,
    /// `RequestCtxExtractedBuilder`: what `extract` returns, when the context propagates a
    /// field; otherwise a hidden alias of the fresh builder, the stand-in `extract` explaining
    /// itself.
    extracted: Ident,
    /// Whether a field is `#[context(propagate)]`: there is something to extract.
    propagates: bool,
    /// One type parameter per field, named after it: `__tenant`.
    states: Vec<Ident>,
    checks: Vec<Checks>,
}

/// The traits that check one field's state, each with the field's name written into its
/// `#[diagnostic::on_unimplemented]` message (a name taken from a type parameter would be printed
/// as a path once two contexts share a field name). Named after the context and the field, so
/// the compiler's "the trait `..` is not implemented" line reads as the rule it checks.
struct Checks {
    /// Implemented by the states the setter may be called in: `Unset`, and for a propagated
    /// field the state `extract` leaves it in, `Extracted` or `Defaulted` (`not_extracted`
    /// reports those).
    once: Ident,
    /// A propagated field's: implemented by `Unset` and `Set`.
    not_extracted: Option<Ident>,
    /// A required field's: implemented by `Set`, and `Extracted` for a propagated one.
    needed: Option<Ident>,
}

/// What a builder generates: the items users name, declared beside the context, and the rest,
/// for the context's `const _` block.
pub(super) struct BuilderTokens {
    pub(super) outside: TokenStream,
    pub(super) inside: TokenStream,
}

fn builder(input: &Input<'_>, private: &TokenStream) -> BuilderTokens {
    let context = input.ident;
    let builder = Builder {
        input,
        private,
        ident: input.builder_ident(),
        extracted: input.extracted_builder_ident(),
        propagates: input.fields.iter().any(Field::propagates),
        states: input
            .fields
            .iter()
            .map(|field| format_ident!("__{}", field.name))
            .collect(),
        checks: input
            .fields
            .iter()
            .map(|field| Checks {
                once: format_ident!("{}_sets_{}_once", context, field.name),
                not_extracted: field
                    .propagates()
                    .then(|| format_ident!("{}_{}_not_extracted", context, field.name)),
                // Spanned at the derive, where rustc's "required by this bound in `build`" points.
                needed: field.is_required().then(|| {
                    format_ident!("{}_needs_{}", context, field.name, span = Span::call_site())
                }),
            })
            .collect(),
    };
    BuilderTokens {
        outside: builder.declarations(),
        inside: builder.tokens(),
    }
}

impl Builder<'_> {
    /// The builder struct, every state defaulting to `Unset` (so its bare name is the fresh
    /// builder), and the alias of what `extract` returns.
    fn declarations(&self) -> TokenStream {
        let Self {
            input,
            private,
            ident: builder,
            states,
            ..
        } = self;
        let (context, vis) = (input.ident, input.vis);
        // Each field's value while it is being built: `None` until set (an `Option` field is its
        // own storage). The states are types only, so a setter moves one tuple, whatever the
        // number of fields.
        let storage = input.fields.iter().map(|field| {
            let ty = field.ty;
            if field.option_of.is_some() {
                quote!(#ty)
            } else {
                quote!(::core::option::Option<#ty>)
            }
        });
        let doc = format!(
            " Builder of [`{context}`], returned by [`{context}::builder`]: one method per field, \
             then `.build()`."
        );
        let params_doc = format!(
            " One type parameter per field of [`{context}`], in order, holding its state: `Unset` \
             until its method is called, `Set` afterwards (the states are in \
             `context_runtime::builder`). Every parameter defaults to `Unset`, so `{builder}` \
             alone names the fresh builder."
        );
        let extracted = &self.extracted;
        let extracted = if self.propagates {
            let states = input.fields.iter().map(|field| {
                let ty = field.ty;
                if !field.propagates() {
                    quote!(#private::Unset)
                } else if field.attrs.default.is_some() {
                    quote!(#private::Defaulted<#ty>)
                } else {
                    quote!(#private::Extracted<#ty>)
                }
            });
            let doc = format!(
                " The [`{builder}`] that [`{context}::extract`] returns: its \
                 `#[context(propagate)]` fields read from the carrier, the others unset."
            );
            quote! {
                #[doc = #doc]
                #vis type #extracted = #builder<#(#states),*>;
            }
        } else {
            // Nothing to extract, but naming the alias is no error of its own: calling `extract`
            // is, and its stand-in says why.
            quote! {
                #[doc(hidden)]
                #vis type #extracted = #builder;
            }
        };
        quote! {
            #[doc = #doc]
            #[doc = ""]
            #[doc = #params_doc]
            #[must_use = "a builder does nothing until `.build()` is called"]
            #[allow(non_camel_case_types)]
            #vis struct #builder<#(#states = #private::Unset),*> {
                __values: (#(#storage,)*),
                __states: ::core::marker::PhantomData<fn() -> (#(#states,)*)>,
            }

            #extracted
        }
    }

    fn tokens(&self) -> TokenStream {
        let Self {
            input,
            ident: builder,
            states,
            ..
        } = self;
        let (context, vis) = (input.ident, input.vis);
        let none = quote!(::core::option::Option::None);
        let unset = input.fields.iter().map(|_| &none);
        let checks = input
            .fields
            .iter()
            .zip(&self.checks)
            .map(|(field, checks)| self.checks(field, checks));
        // A field named like the builder's own API gets no setter (`check` reports it).
        let setters = input
            .fields
            .iter()
            .enumerate()
            .filter(|(_, field)| field.has_setter())
            .map(|(i, field)| self.setters(i, field));
        let build = self.build();
        let extraction = self.extraction();
        let builder_doc = format!(
            " Starts building a new [`{context}`]: call one method per field, then `.build()`. A \
             required field left unset, or a field set twice, is a compile error naming it."
        );
        quote! {
            #(#checks)*

            #[automatically_derived]
            impl #context {
                #[doc = #builder_doc]
                #[inline]
                #vis fn builder() -> #builder {
                    #builder {
                        __values: (#(#unset,)*),
                        __states: ::core::marker::PhantomData,
                    }
                }
            }

            #[automatically_derived]
            impl<#(#states),*> #builder<#(#states),*> {
                #(#setters)*
                #build
            }

            #extraction
        }
    }

    /// The traits that check one field's state, and their impls for the states that pass.
    fn checks(&self, field: &Field<'_>, checks: &Checks) -> TokenStream {
        let private = self.private;
        let name = &field.name;
        let once = &checks.once;
        let (message, label, note) = (
            format!("the field `{name}` is set twice"),
            format!("`{name}` was already set earlier in this builder chain"),
            format!("a context is set once: remove one of the two `.{name}(..)` calls"),
        );
        // The state `extract` leaves a propagated field in, where one is possible: a check is
        // implemented by exactly the states the field can be in, so rustc's list of them is true.
        let extracted = field.propagates().then(|| {
            if field.attrs.default.is_some() {
                quote!(#private::Defaulted<T>)
            } else {
                quote!(#private::Extracted<T>)
            }
        });
        let once_from_carrier = extracted
            .as_ref()
            .map(|state| quote!(impl<T> #once for #state {}));
        let not_extracted = checks.not_extracted.as_ref().map(|not_extracted| {
            let (message, label, note) = (
                format!("the field `{name}` was already set by `extract`"),
                format!("`{name}` comes from the carrier"),
                format!(
                    "a `#[context(propagate)]` field is read from the carrier by `extract` / \
                     `from_baggage`: remove this call, or `propagate` if the receiver should \
                     decide `{name}`"
                ),
            );
            quote! {
                #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
                pub trait #not_extracted {}
                impl #not_extracted for #private::Unset {}
                impl<T> #not_extracted for #private::Set<T> {}
            }
        });
        let needed = checks.needed.as_ref().map(|needed| {
            let (message, label, note) = (
                format!("missing required field `{name}`"),
                format!("`build()` needs `{name}`"),
                format!(
                    "call `.{name}(..)` on the builder before `.build()`, or make the field \
                     optional: `Option<_>`, `#[context(default)]` or `#[context(default = expr)]`"
                ),
            );
            let extracted = extracted
                .as_ref()
                .map(|state| quote!(impl<T> #needed for #state {}));
            quote! {
                #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
                pub trait #needed {}
                impl<T> #needed for #private::Set<T> {}
                #extracted
            }
        });
        quote! {
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
            pub trait #once {}
            impl #once for #private::Unset {}
            #once_from_carrier
            #not_extracted
            #needed
        }
    }

    /// `extract` and `from_baggage`: the builder with every `#[context(propagate)]` field read
    /// from a carrier, and the others unset, for the receiver to supply. For a context that
    /// propagates nothing, uncallable stand-ins that say so.
    fn extraction(&self) -> TokenStream {
        let Self {
            input,
            private,
            ident: builder,
            ..
        } = self;
        let (context, vis) = (input.ident, input.vis);
        let extracted = &self.extracted;
        if !self.propagates {
            // Stand-ins, so calling them says why there is nothing to extract (and nothing else:
            // they return what `builder()` does).
            let output = quote!(::core::result::Result<#builder, #private::CarrierError>);
            return quote! {
                #[automatically_derived]
                impl #context {
                    #[doc(hidden)]
                    #vis fn extract<__C: ?::core::marker::Sized>(_: &__C) -> #output
                    where
                        Self: #private::NothingToExtract<__C>,
                    {
                        match <Self as #private::NothingToExtract<__C>>::never() {}
                    }

                    #[doc(hidden)]
                    #vis fn from_baggage<__C: ?::core::marker::Sized>(_: &__C) -> #output
                    where
                        Self: #private::NothingToExtract<__C>,
                    {
                        match <Self as #private::NothingToExtract<__C>>::never() {}
                    }
                }
            };
        }
        // Every propagated field is read, then the results are joined, so a carrier with several
        // fields in error is refused once, naming them all:
        // `let (__a, (__b, ())) = join(read_a, join(read_b, Ok(())))?;` (the locals prefixed, so a
        // constant or unit struct named like a field cannot turn a binding into a pattern).
        let mut names = Vec::new();
        let mut reads = Vec::new();
        let mut values = Vec::new();
        for field in &input.fields {
            let name = &field.name;
            let local = format_ident!("__{}", field.name);
            let value = if field.propagates() {
                names.push(name);
                let codec = codec(field, private);
                let read = if field.is_required() {
                    quote!(#private::required(baggage, #name, #codec))
                } else {
                    quote!(#private::optional(baggage, #name, #codec))
                };
                let value = if field.option_of.is_none() && field.is_required() {
                    quote!(::core::option::Option::Some(#local))
                } else {
                    quote!(#local)
                };
                reads.push((local, read));
                value
            } else {
                quote!(::core::option::Option::None)
            };
            values.push(value);
        }
        let (pattern, joined) = reads.iter().rev().fold(
            (quote!(()), quote!(::core::result::Result::Ok(()))),
            |(pattern, joined), (local, read)| {
                (
                    quote!((#local, #pattern)),
                    quote!(#private::join(#read, #joined)),
                )
            },
        );
        let output = quote!(::core::result::Result<#extracted, #private::CarrierError>);
        let extract_doc = format!(
            " Starts building a new [`{context}`] from a carrier (HTTP headers, a job payload's \
             map): its `#[context(propagate)]` fields are read from the carrier's `baggage`; set \
             the others, then `.build()`."
        );
        quote! {
            #[automatically_derived]
            impl #context {
                #[doc = #extract_doc]
                ///
                /// # Errors
                ///
                /// A required propagated field missing; a propagated field unparsable, not
                /// in the W3C format, or repeated. Every propagated field is checked: one in
                /// error is its own variant, several are `CarrierError::Fields`, naming them
                /// all. Other entries that are not in the format are left out, never an error.
                #[inline]
                #vis fn extract(carrier: &(impl #private::Carrier + ?::core::marker::Sized)) -> #output {
                    Self::from_baggage(&#private::received(carrier, &[#(#names),*]))
                }

                /// Like `extract`, from baggage already parsed (to forward its other entries:
                /// `Baggage::scope`).
                ///
                /// # Errors
                ///
                /// A required propagated field missing; a propagated field unparsable, left
                /// out of `baggage` by its parse, or repeated. Every propagated field is
                /// checked: several in error are `CarrierError::Fields`, naming them all.
                #vis fn from_baggage(baggage: &#private::Baggage) -> #output {
                    let #pattern = #joined?;
                    ::core::result::Result::Ok(#builder {
                        __values: (#(#values,)*),
                        __states: ::core::marker::PhantomData,
                    })
                }
            }
        }
    }

    /// The setter of field `i` (plus `maybe_<field>` for an `Option`), callable while it is unset.
    fn setters(&self, i: usize, field: &Field<'_>) -> TokenStream {
        let Self {
            input,
            private,
            ident: builder,
            states,
            ..
        } = self;
        let (name, ty, state) = (field.ident, field.ty, &states[i]);
        // The other fields' states as they are: their idents, not a stream each (every stream a
        // proc macro builds is a round trip to the compiler, and this list is as long as the
        // fields).
        let set = quote!(#private::Set<#ty>);
        let after = states
            .iter()
            .enumerate()
            .map(|(j, state)| -> &dyn ToTokens {
                if i == j { &set } else { state }
            });
        let after = quote!(#builder<#(#after),*>);
        let index = syn::Index::from(i);
        let body = quote! {
            let mut values = self.__values;
            values.#index = value;
            #builder { __values: values, __states: ::core::marker::PhantomData }
        };
        let checks = &self.checks[i];
        let once = &checks.once;
        let not_extracted = checks.not_extracted.iter();
        let bound = quote!(where #state: #once #(+ #not_extracted)*);
        let doc = format!(" Sets `{}`. Each field is set once.", field.name);
        // A blank line between our sentence and the field's own docs, when it has some.
        let separator = docs(field).next().is_some().then(|| quote!(#[doc = ""]));
        let docs = docs(field);
        let Some(inner) = field.option_of else {
            return quote! {
                #[doc = #doc]
                #separator
                #(#docs)*
                #[inline]
                pub fn #name(self, value: #ty) -> #after #bound {
                    let value = ::core::option::Option::Some(value);
                    #body
                }
            };
        };
        let maybe = input.maybe_setter(field).map(|maybe| {
            quote! {
                /// Sets the optional field from an `Option`: `None` leaves it `None`.
                #[inline]
                pub fn #maybe(self, value: #ty) -> #after #bound {
                    #body
                }
            }
        });
        quote! {
            #[doc = #doc]
            #separator
            #(#docs)*
            #[inline]
            pub fn #name(self, value: #inner) -> #after #bound {
                let value = ::core::option::Option::Some(value);
                #body
            }
            #maybe
        }
    }

    /// `build()`, which requires every required field to be set (or extracted).
    fn build(&self) -> TokenStream {
        let Self {
            input,
            private,
            states,
            checks,
            ..
        } = self;
        let context = input.ident;
        let mut bounds = Vec::new();
        let mut values = Vec::new();
        for (i, ((field, state), checks)) in input.fields.iter().zip(states).zip(checks).enumerate()
        {
            let (name, ty, index) = (field.ident, field.ty, syn::Index::from(i));
            let value = if let Some(needed) = &checks.needed {
                bounds.push(quote!(#state: #needed));
                quote!(#private::required_value(values.#index))
            } else if let (None, Some(default)) = (field.option_of, &field.attrs.default) {
                let expr = if let Some(expr) = &default.expr {
                    quote_spanned!(expr.span()=> #expr)
                } else {
                    quote_spanned!(default.span=> ::core::default::Default::default())
                };
                quote!(::core::option::Option::unwrap_or_else(values.#index, || -> #ty { #expr }))
            } else {
                // An `Option` field: `None` when unset (`check` refuses `default` on one).
                quote!(values.#index)
            };
            values.push(quote!(#name: #value));
        }
        quote! {
            /// Builds the frozen context. Every required field must have been set.
            #[inline]
            pub fn build(self) -> #context where #(#bounds,)* {
                let values = self.__values;
                #context { #(#values,)* }
            }
        }
    }
}

/// The `#[context(log)]` fields, visited in order; nothing when there are none (the trait's
/// default visits nothing). A field whose type cannot be logged is an error at its type.
fn log_fields(input: &Input<'_>, private: &TokenStream) -> Option<TokenStream> {
    let visits: Vec<TokenStream> = input
        .fields
        .iter()
        .filter(|field| field.attrs.log.is_some() && field.attrs.sensitive.is_none())
        .map(|field| {
            let (member, name) = (field.ident, &field.name);
            let value =
                quote_spanned!(field.ty.span()=> #private::ToLogValue::to_log_value(&self.#member));
            quote! {
                if let ::core::option::Option::Some(value) = #value {
                    visit(#name, value);
                }
            }
        })
        .collect();
    if visits.is_empty() {
        return None;
    }
    Some(quote! {
        fn __log_fields(&self, visit: &mut dyn FnMut(&'static str, #private::LogValue<'_>)) {
            #(#visits)*
        }
    })
}

/// The `#[context(propagate)]` fields, visited in order, `None` for an `Option` that is `None`
/// (so a stale entry of that name is removed, not forwarded); nothing when there are none. A
/// field whose type cannot be propagated is an error at its type.
fn propagate(input: &Input<'_>, private: &TokenStream) -> Option<TokenStream> {
    let visits: Vec<TokenStream> = input
        .fields
        .iter()
        .filter(|field| field.propagates())
        .map(|field| {
            let (member, name) = (field.ident, &field.name);
            let codec = codec(field, private);
            if field.option_of.is_some() {
                quote! {
                    visit(#name, ::core::option::Option::map(self.#member.as_ref(), #codec.text));
                }
            } else {
                quote!(visit(#name, ::core::option::Option::Some((#codec.text)(&self.#member)));)
            }
        })
        .collect();
    if visits.is_empty() {
        return None;
    }
    Some(quote! {
        fn __propagate(&self, visit: &mut dyn FnMut(&'static str, ::core::option::Option<&dyn ::core::fmt::Display>)) {
            #(#visits)*
        }
    })
}

/// `inject` and `write_baggage`, beside `extract` and `from_baggage`: inherent, so that sending a
/// context on needs no trait in scope. The behaviour is the runtime's. Their `for<'__a>` bound,
/// like the trait impl's, keeps a field that is not `Sync` from being reported here again.
fn injection(input: &Input<'_>, private: &TokenStream) -> TokenStream {
    let (context, vis) = (input.ident, input.vis);
    let inject_doc = format!(
        " Writes the `#[context(propagate)]` fields of this [`{context}`] into the carrier's W3C \
         `baggage` entry (HTTP headers, a job payload's map), keeping the entries already there: \
         a field's entry is replaced, or removed for a `None` field."
    );
    quote! {
        #[automatically_derived]
        impl #context {
            #[doc = #inject_doc]
            ///
            /// # Errors
            ///
            /// The carrier already holds malformed baggage, or the result would exceed the W3C
            /// limits.
            #[inline]
            #vis fn inject(
                &self,
                carrier: &mut (impl #private::Carrier + ?::core::marker::Sized),
            ) -> ::core::result::Result<(), #private::CarrierError>
            where
                for<'__a> Self: #private::RequestContext,
            {
                #private::inject(self, carrier)
            }

            /// Sets the `#[context(propagate)]` fields in `baggage` (what `inject` does before
            /// writing it into a carrier).
            ///
            /// # Errors
            ///
            /// The baggage is full.
            #[inline]
            #vis fn write_baggage(
                &self,
                baggage: &mut #private::Baggage,
            ) -> ::core::result::Result<(), #private::CarrierError>
            where
                for<'__a> Self: #private::RequestContext,
            {
                #private::write_baggage(self, baggage)
            }
        }
    }
}

/// How a propagated field's type is written and read (its inner type for an `Option`), spanned
/// at the type: the one place a type that cannot be propagated is reported, once.
fn codec(field: &Field<'_>, private: &TokenStream) -> TokenStream {
    let ty = field.option_of.unwrap_or(field.ty);
    quote_spanned!(ty.span()=> #private::codec::<#ty>())
}

/// `Debug`, with sensitive fields printed as the redaction marker.
fn debug(input: &Input<'_>, private: &TokenStream) -> TokenStream {
    let ident = input.ident;
    let name = ident.to_string();
    let fields = input.fields.iter().map(|field| {
        let member = field.ident;
        let name = member.unraw().to_string();
        // A field already refused (its type may not be `Debug`) gets the marker too: the crate
        // does not compile, and the refusal is the error to read.
        if field.attrs.sensitive.is_some() || !field.unfrozen.is_empty() {
            quote!((#name, &#private::Redacted))
        } else {
            quote_spanned!(field.ty.span()=> (#name, &self.#member))
        }
    });
    quote! {
        #[automatically_derived]
        impl ::core::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                #private::debug_struct(f, #name, &[#(#fields),*])
            }
        }
    }
}

/// The field's `///` docs, carried to its getter and setter.
fn docs<'a>(field: &Field<'a>) -> impl Iterator<Item = &'a syn::Attribute> {
    field
        .original
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
}
