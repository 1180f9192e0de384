//! What a derive on a type that cannot be a context (generic, enum, union, tuple or unit struct)
//! still emits, beside the error: the `RequestContext` impl, `Debug`, the getters, `builder()`,
//! `extract`, `inject` and a builder (declared beside the type, as the real one) whose setters
//! take the field types, all with bodies that never run (the crate does not compile). The rest of the crate type-checks against them, so the only
//! errors are the real ones, not one at every use of the type (thiserror's `fallback.rs`).

use proc_macro2::TokenStream;
use quote::quote;

use super::ast::Input;
use super::expand::getter;

pub(super) fn expand(input: &Input<'_>) -> TokenStream {
    let private = input.private();
    let (ident, vis, generics) = (input.ident, input.vis, input.generics);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let builder = input.builder_ident();
    let getters = input
        .fields
        .iter()
        .filter(|field| field.has_getter())
        .map(|field| getter(field, vis));
    let setters = input
        .fields
        .iter()
        .filter(|field| field.has_setter())
        .map(|field| {
            let (name, ty) = (field.ident, field.ty);
            let maybe = input.maybe_setter(field).map(
                |maybe| quote!(pub fn #maybe(self, _: #ty) -> Self { ::core::unimplemented!() }),
            );
            let ty = field.option_of.unwrap_or(ty);
            quote! {
                pub fn #name(self, _: #ty) -> Self { ::core::unimplemented!() }
                #maybe
            }
        });
    // Required of the impl by the trait's supertraits. Without generics the bound is trivially
    // true or false, which only a higher-ranked spelling may state (a false one must not be an
    // error of its own: a `!Sync` enum is already refused for being an enum).
    let context_bounds = if generics.params.is_empty() {
        quote!(for<'__a> #ident: ::core::marker::Send + ::core::marker::Sync + 'static)
    } else {
        quote!(Self: ::core::marker::Send + ::core::marker::Sync + 'static)
    };
    let context_where = match where_clause {
        Some(clause) if !clause.predicates.is_empty() => {
            let predicates = &clause.predicates;
            quote!(where #predicates, #context_bounds)
        }
        _ => quote!(where #context_bounds),
    };
    let result = quote! {
        ::core::result::Result<#builder #ty_generics, #private::CarrierError>
    };
    let declarations = declarations(input);
    quote! {
        #declarations

        #[allow(non_camel_case_types, dead_code, clippy::all, clippy::pedantic)]
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #private::Sealed for #ident #ty_generics #where_clause {}

            #[automatically_derived]
            impl #impl_generics #private::RequestContext for #ident #ty_generics #context_where {
                fn __storage() -> &'static #private::LocalKey<#private::Current<Self>> {
                    ::core::unimplemented!()
                }
            }

            #[automatically_derived]
            impl #impl_generics ::core::fmt::Debug for #ident #ty_generics #where_clause {
                fn fmt(&self, _: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    ::core::unimplemented!()
                }
            }

            #[automatically_derived]
            impl #impl_generics #ident #ty_generics #where_clause {
                #(#getters)*

                #vis fn builder() -> #builder #ty_generics {
                    ::core::unimplemented!()
                }

                #vis fn extract(_: &(impl #private::Carrier + ?::core::marker::Sized)) -> #result {
                    ::core::unimplemented!()
                }

                #vis fn from_baggage(_: &#private::Baggage) -> #result {
                    ::core::unimplemented!()
                }

                #vis fn inject(
                    &self,
                    _: &mut (impl #private::Carrier + ?::core::marker::Sized),
                ) -> ::core::result::Result<(), #private::CarrierError> {
                    ::core::unimplemented!()
                }

                #vis fn write_baggage(
                    &self,
                    _: &mut #private::Baggage,
                ) -> ::core::result::Result<(), #private::CarrierError> {
                    ::core::unimplemented!()
                }
            }

            #[automatically_derived]
            impl #impl_generics #builder #ty_generics #where_clause {
                #(#setters)*

                pub fn build(self) -> #ident #ty_generics {
                    ::core::unimplemented!()
                }
            }
        };
    }
}

/// The builder and the alias of what `extract` returns, declared beside the type as the real ones
/// are, so code naming them type-checks.
fn declarations(input: &Input<'_>) -> TokenStream {
    let (ident, vis, generics) = (input.ident, input.vis, input.generics);
    let (_, ty_generics, where_clause) = generics.split_for_impl();
    let (builder, extracted) = (input.builder_ident(), input.extracted_builder_ident());
    quote! {
        #[allow(dead_code)]
        #vis struct #builder #generics (::core::marker::PhantomData<fn() -> #ident #ty_generics>) #where_clause;
        #[doc(hidden)]
        #vis type #extracted #generics = #builder #ty_generics;
    }
}
