//! Generates the code of `#[derive(RequestContext)]` for a usable input (see `fallback` for the
//! others). User errors are reported by `check`; this file only decides what to emit.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Ident, Visibility};

use super::ast::{Field, Input};

/// Everything a usable context type gets: getters, the typed builder, `extract`, `Debug`, the
/// task-local and the `RequestContext` impl, and the per-field `Send + Sync` assertions.
pub(super) fn expand(input: &Input<'_>) -> TokenStream {
    let private = input.private();
    let ident = input.ident;
    let vis = input.vis;

    let getters = input
        .fields
        .iter()
        .filter(|field| field.has_getter())
        .map(|field| getter(field, vis));
    let builder = builder(input, &private);
    let debug = debug(input, &private);
    let log_fields = log_fields(input, &private);
    let propagate = propagate(input, &private);
    let injection = injection(input, &private);
    // A field already refused for interior mutability (or a type macro) is not also reported as
    // `!Sync`.
    let assertions = input
        .fields
        .iter()
        .filter(|field| field.unfrozen.is_empty())
        .map(|field| {
            let ty = field.ty;
            quote_spanned!(ty.span()=> const _: () = #private::assert_field::<#ty>();)
        });

    quote! {
        #[allow(non_camel_case_types, clippy::all, clippy::pedantic)]
        const _: () = {
            // An unused getter is not worth a warning: rustc still says when a field is never read.
            #[automatically_derived]
            #[allow(dead_code)]
            impl #ident {
                #(#getters)*
            }

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

                #log_fields
                #propagate
            }

            #(#assertions)*
        };
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

/// The typed builder: one state parameter per field, `Unset<marker>` until its setter is called,
/// where the marker is an empty enum named after the field, so errors can name it.
struct Builder<'a> {
    input: &'a Input<'a>,
    private: &'a TokenStream,
    ident: Ident,
    states: Vec<Ident>,
    markers: Vec<TokenStream>,
}

fn builder(input: &Input<'_>, private: &TokenStream) -> TokenStream {
    let builder = Builder {
        input,
        private,
        ident: format_ident!("{}Builder", input.ident),
        states: (0..input.fields.len())
            .map(|i| format_ident!("__S{}", i))
            .collect(),
        markers: input
            .fields
            .iter()
            .map(|field| {
                let name = field.ident;
                quote!(__fields::#name)
            })
            .collect(),
    };
    builder.tokens()
}

impl Builder<'_> {
    fn tokens(&self) -> TokenStream {
        let Self {
            input,
            private,
            ident: builder,
            states,
            markers,
        } = self;
        let (context, vis) = (input.ident, input.vis);
        let fields: Vec<&Ident> = input.fields.iter().map(|field| field.ident).collect();
        // A field named like the builder's own API gets no setter (`check` reports it).
        let setters = input
            .fields
            .iter()
            .enumerate()
            .filter(|(_, field)| field.has_setter())
            .map(|(i, field)| self.setters(i, field));
        let build = self.build();
        let extraction = self.extraction();
        let doc = format!(" Builder of [`{context}`], returned by [`{context}::builder`].");
        let builder_doc = format!(
            " Starts building a [`{context}`]: call one method per field, then `.build()`. A \
             required field left unset, or a field set twice, is a compile error naming it."
        );
        quote! {
            mod __fields {
                #(pub enum #fields {})*
            }

            #[doc = #doc]
            #[must_use = "a builder does nothing until `.build()` is called"]
            pub struct #builder<#(#states),*> {
                #(#fields: #states,)*
            }

            #[automatically_derived]
            impl #context {
                #[doc = #builder_doc]
                #[inline]
                #vis fn builder() -> #builder<#(#private::Unset<#markers>),*> {
                    #builder { #(#fields: #private::Unset::NEW,)* }
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

    /// `extract` and `from_baggage`: the builder with every `#[context(propagate)]` field set
    /// from a carrier, and the others unset, for the receiver to supply. For a context that
    /// propagates nothing, uncallable stand-ins that say so.
    fn extraction(&self) -> TokenStream {
        let Self {
            input,
            private,
            ident: builder,
            markers,
            ..
        } = self;
        let (context, vis) = (input.ident, input.vis);
        if !input.fields.iter().any(Field::propagates) {
            // Stand-ins, so calling them says why there is nothing to extract (and nothing else:
            // they return what `builder()` does).
            let output = quote! {
                ::core::result::Result<#builder<#(#private::Unset<#markers>),*>, #private::CarrierError>
            };
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
        let mut states = Vec::new();
        let mut values = Vec::new();
        let mut names = Vec::new();
        for (field, marker) in input.fields.iter().zip(markers) {
            let (member, name, ty) = (field.ident, &field.name, field.ty);
            let (state, value) = if field.propagates() {
                names.push(name);
                let codec = codec(field, private);
                let optional = quote!(#private::optional(baggage, #name, #codec)?);
                if field.option_of.is_some() {
                    (quote!(#private::Set<#ty>), quote!(#private::Set(#optional)))
                } else if field.attrs.default.is_some() {
                    (
                        quote!(#private::Maybe<#ty>),
                        quote!(#private::Maybe(#optional)),
                    )
                } else {
                    let required = quote!(#private::required(baggage, #name, #codec)?);
                    (quote!(#private::Set<#ty>), quote!(#private::Set(#required)))
                }
            } else {
                (
                    quote!(#private::Unset<#marker>),
                    quote!(#private::Unset::NEW),
                )
            };
            states.push(state);
            values.push(quote!(#member: #value));
        }
        let output = quote! {
            ::core::result::Result<#builder<#(#states),*>, #private::CarrierError>
        };
        let extract_doc = format!(
            " Starts building a [`{context}`] from a carrier (HTTP headers, a job payload's \
             map): its `#[context(propagate)]` fields are set from the carrier's `baggage`; set \
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
                /// in the W3C format, or repeated. Other entries that are not in the format
                /// are left out, never an error.
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
                /// out of `baggage` by its parse, or repeated.
                #vis fn from_baggage(baggage: &#private::Baggage) -> #output {
                    ::core::result::Result::Ok(#builder { #(#values,)* })
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
            markers,
        } = self;
        let (name, ty, state, marker) = (field.ident, field.ty, &states[i], &markers[i]);
        let after = states.iter().enumerate().map(|(j, state)| {
            if i == j {
                quote!(#private::Set<#ty>)
            } else {
                quote!(#state)
            }
        });
        let after = quote!(#builder<#(#after),*>);
        let moved = input.fields.iter().enumerate().map(|(j, other)| {
            let other = other.ident;
            if i == j {
                quote!(#other: #private::Set(value))
            } else {
                quote!(#other: self.#other)
            }
        });
        let body = quote!(#builder { #(#moved),* });
        let bound = if field.propagates() {
            quote!(where #state: #private::NotExtracted<#marker>)
        } else {
            quote!(where #state: #private::IsUnset<#marker>)
        };
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

    /// `build()`, which requires every required field to be `Set`.
    fn build(&self) -> TokenStream {
        let Self {
            input,
            private,
            states,
            markers,
            ..
        } = self;
        let context = input.ident;
        let mut bounds = Vec::new();
        let mut values = Vec::new();
        for (i, field) in input.fields.iter().enumerate() {
            let (name, ty, state, marker) = (field.ident, field.ty, &states[i], &markers[i]);
            let value = if field.option_of.is_some() {
                quote!(#private::Optional::or_else(self.#name, || ::core::option::Option::None))
            } else if let Some(default) = &field.attrs.default {
                let expr = if let Some(expr) = &default.expr {
                    quote_spanned!(expr.span()=> #expr)
                } else {
                    quote_spanned!(default.span=> ::core::default::Default::default())
                };
                quote!(#private::Optional::or_else(self.#name, || -> #ty { #expr }))
            } else {
                bounds.push(quote!(#state: #private::Required<#marker, #ty>));
                values.push(quote!(#name: <#state as #private::Required<#marker, #ty>>::into_value(self.#name)));
                continue;
            };
            bounds.push(quote!(#state: #private::Optional<#ty>));
            values.push(quote!(#name: #value));
        }
        quote! {
            /// Builds the frozen context. Every required field must have been set.
            #[inline]
            pub fn build(self) -> #context where #(#bounds,)* {
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
            quote!(.field(#name, &#private::Redacted))
        } else {
            quote_spanned!(field.ty.span()=> .field(#name, &self.#member))
        }
    });
    quote! {
        #[automatically_derived]
        impl ::core::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#name)#(#fields)*.finish()
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
