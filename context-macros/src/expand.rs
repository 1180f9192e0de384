//! Generates the code of `#[derive(RequestContext)]` from a checked model. User errors are
//! reported by `check`; this file only decides what to emit.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident};

use crate::ast::{Field, Input};
use crate::check;
use crate::ctxt::Ctxt;

/// The whole derive: errors first, then as much of the expansion as the input allows, so a user
/// with a mistake in one field does not also get errors at every use of the builder and getters.
pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let mut cx = Ctxt::new();
    let model = Input::from_ast(&mut cx, input);
    if let Some(model) = &model {
        check::check(&mut cx, model);
    }
    let errors = cx.check().err().map(|error| error.to_compile_error());
    let expansion = model.as_ref().map(expand);
    quote! {
        #errors
        #expansion
    }
}

fn expand(input: &Input<'_>) -> TokenStream {
    let krate = input
        .attrs
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::context_runtime));
    let private = quote!(#krate::__private);
    let ident = input.ident;
    let vis = input.vis;

    let getters = input.fields.iter().map(|field| getter(field, vis));
    let builder = builder(input, &private);
    let debug = debug(input, &private);
    let assertions = input.fields.iter().map(|field| {
        let ty = field.ty;
        quote_spanned!(ty.span()=> const _: () = #private::assert_field::<#ty>();)
    });

    quote! {
        #[allow(non_camel_case_types, clippy::all, clippy::pedantic)]
        const _: () = {
            #[automatically_derived]
            impl #ident {
                #(#getters)*
            }

            #builder
            #debug

            #private::task_local! {
                static __CONTEXT: #private::Current<#ident>;
            }

            #[automatically_derived]
            impl #private::RequestContext for #ident {
                #[inline]
                fn __storage() -> &'static #private::LocalKey<#private::Current<Self>> {
                    &__CONTEXT
                }
            }

            #(#assertions)*
        };
    }
}

/// `fn field(&self) -> &T`, or `Option<&T>` for `Option<T>`; the field's docs become the getter's.
fn getter(field: &Field<'_>, vis: &syn::Visibility) -> TokenStream {
    let ident = field.ident;
    let fallback = docs(field).next().is_none().then(|| {
        let doc = format!("The `{}` of this context.", ident.unraw());
        quote!(#[doc = #doc])
    });
    let docs = docs(field);
    let (ty, body) = match field.option_of {
        Some(inner) => (
            quote!(::core::option::Option<&#inner>),
            quote!(self.#ident.as_ref()),
        ),
        None => {
            let ty = field.ty;
            (quote!(&#ty), quote!(&self.#ident))
        }
    };
    quote! {
        #(#docs)*
        #fallback
        #[inline]
        #[must_use]
        #vis fn #ident(&self) -> #ty {
            #body
        }
    }
}

/// The typed builder: one state parameter per field, `Unset<marker>` until its setter is called.
fn builder(input: &Input<'_>, private: &TokenStream) -> TokenStream {
    let ident = input.ident;
    let vis = input.vis;
    let builder = format_ident!("{}Builder", ident);
    let fields: Vec<&Ident> = input.fields.iter().map(|field| field.ident).collect();
    let states: Vec<Ident> = (0..fields.len())
        .map(|i| format_ident!("__S{}", i))
        .collect();
    let markers: Vec<TokenStream> = fields
        .iter()
        .map(|field| quote!(__fields::#field))
        .collect();
    let unset = markers
        .iter()
        .map(|marker| quote!(#private::Unset<#marker>));

    let setters = input.fields.iter().enumerate().map(|(i, field)| {
        let name = field.ident;
        let docs = docs(field);
        let set_doc = format!("Sets `{}`. Each field is set once.", name.unraw());
        let ty = field.ty;
        let marker = &markers[i];
        let state = &states[i];
        let after: Vec<TokenStream> = states
            .iter()
            .enumerate()
            .map(|(j, state)| {
                if i == j {
                    quote!(#private::Set<#ty>)
                } else {
                    quote!(#state)
                }
            })
            .collect();
        let moved = fields.iter().enumerate().map(|(j, other)| {
            if i == j {
                quote!(#other: #private::Set(value))
            } else {
                quote!(#other: self.#other)
            }
        });
        let (param, value) = match field.option_of {
            Some(inner) => (quote!(#inner), quote!(::core::option::Option::Some(value))),
            None => (quote!(#ty), quote!(value)),
        };
        let maybe = field.option_of.map(|_| {
            let maybe = format_ident!("maybe_{}", name.unraw());
            let moved = moved.clone();
            quote! {
                /// Sets the optional field from an `Option`: `None` leaves it unset.
                #[inline]
                pub fn #maybe(self, value: #ty) -> #builder<#(#after),*>
                where
                    #state: #private::IsUnset<#marker>,
                {
                    #builder { #(#moved),* }
                }
            }
        });
        quote! {
            #[doc = #set_doc]
            #[doc = ""]
            #(#docs)*
            #[inline]
            pub fn #name(self, value: #param) -> #builder<#(#after),*>
            where
                #state: #private::IsUnset<#marker>,
            {
                let value = #value;
                #builder { #(#moved),* }
            }
            #maybe
        }
    });

    let bounds = input.fields.iter().enumerate().map(|(i, field)| {
        let (ty, state, marker) = (field.ty, &states[i], &markers[i]);
        if required(field) {
            quote!(#state: #private::Required<#marker, #ty>)
        } else {
            quote!(#state: #private::Optional<#ty>)
        }
    });
    let values = input.fields.iter().enumerate().map(|(i, field)| {
        let (name, ty, state, marker) = (field.ident, field.ty, &states[i], &markers[i]);
        let value = if field.option_of.is_some() {
            quote!(#private::Optional::or_else(self.#name, || ::core::option::Option::None))
        } else if let Some(default) = &field.attrs.default {
            let expr = match &default.expr {
                Some(expr) => quote_spanned!(expr.span()=> #expr),
                None => quote_spanned!(default.span=> ::core::default::Default::default()),
            };
            quote!(#private::Optional::or_else(self.#name, || -> #ty { #expr }))
        } else {
            quote!(<#state as #private::Required<#marker, #ty>>::into_value(self.#name))
        };
        quote!(#name: #value)
    });
    let doc = format!("Builder of [`{ident}`], returned by [`{ident}::builder`].");
    let builder_doc = format!(
        "Starts building a [`{ident}`]: call one method per field, then `.build()`. A required \
         field left unset, or a field set twice, is a compile error naming it."
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
        impl #ident {
            #[doc = #builder_doc]
            #[inline]
            #vis fn builder() -> #builder<#(#unset),*> {
                #builder { #(#fields: #private::Unset::NEW,)* }
            }
        }

        #[automatically_derived]
        impl<#(#states),*> #builder<#(#states),*> {
            #(#setters)*

            /// Builds the frozen context. Every required field must have been set.
            #[inline]
            pub fn build(self) -> #ident
            where
                #(#bounds,)*
            {
                #ident { #(#values,)* }
            }
        }
    }
}

/// `Debug`, with sensitive fields printed as the redaction marker.
fn debug(input: &Input<'_>, private: &TokenStream) -> TokenStream {
    let ident = input.ident;
    let name = ident.to_string();
    let fields = input.fields.iter().map(|field| {
        let member = field.ident;
        let name = member.unraw().to_string();
        if field.attrs.sensitive.is_some() {
            quote!(.field(#name, &#private::Redacted))
        } else {
            quote!(.field(#name, &self.#member))
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

fn required(field: &Field<'_>) -> bool {
    field.option_of.is_none() && field.attrs.default.is_none()
}

/// The field's `///` docs, carried to its getter and setter.
fn docs<'a>(field: &Field<'a>) -> impl Iterator<Item = &'a syn::Attribute> {
    field
        .original
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
}
