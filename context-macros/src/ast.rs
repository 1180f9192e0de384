//! The model of a `#[derive(RequestContext)]` input, parsed from syn's AST.

use syn::{Data, DeriveInput, Fields, GenericArgument, Ident, PathArguments, Type, Visibility};

use crate::attr::{self, ContainerAttrs, FieldAttrs};
use crate::ctxt::Ctxt;

pub(crate) struct Input<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) vis: &'a Visibility,
    pub(crate) attrs: ContainerAttrs,
    pub(crate) fields: Vec<Field<'a>>,
}

pub(crate) struct Field<'a> {
    pub(crate) original: &'a syn::Field,
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    pub(crate) attrs: FieldAttrs,
    /// `Some(T)` when the field's type is spelled `Option<T>`.
    pub(crate) option_of: Option<&'a Type>,
}

impl<'a> Input<'a> {
    /// Parses `input`; `None` when its shape cannot carry a context at all (enum, union, tuple
    /// struct, generics), in which case the reason is in `cx`. Attribute errors are recorded in
    /// `cx` but still give a model, so the expansion can go on and spare the user follow-up errors.
    pub(crate) fn from_ast(cx: &mut Ctxt, input: &'a DeriveInput) -> Option<Self> {
        let attrs = attr::container(cx, &input.attrs);
        let mut usable = true;
        if !input.generics.params.is_empty() {
            cx.error_spanned_by(
                &input.generics,
                "a context type cannot be generic: each context type gets its own task-local, \
                 and a `static` cannot depend on type parameters or lifetimes; declare one \
                 concrete struct with owned field types",
            );
            usable = false;
        }
        let fields = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(fields) => Some(fields),
                Fields::Unnamed(_) | Fields::Unit => {
                    cx.error_spanned_by(
                        input.ident.clone(),
                        "`RequestContext` needs a struct with named fields: each field gets a \
                         getter and a builder method named after it, e.g. \
                         `struct RequestCtx { request_id: String }`",
                    );
                    None
                }
            },
            Data::Enum(data) => {
                cx.error_spanned_by(
                    data.enum_token,
                    "`RequestContext` cannot be derived for an enum: a context is one set of \
                     facts about a request; use a struct with named fields (a field may hold an \
                     enum)",
                );
                None
            }
            Data::Union(data) => {
                cx.error_spanned_by(
                    data.union_token,
                    "`RequestContext` cannot be derived for a union: use a struct with named fields",
                );
                None
            }
        }?;
        let fields = fields
            .named
            .iter()
            .filter_map(|field| Field::from_ast(cx, field))
            .collect();
        usable.then_some(Input {
            ident: &input.ident,
            vis: &input.vis,
            attrs,
            fields,
        })
    }
}

impl<'a> Field<'a> {
    fn from_ast(cx: &mut Ctxt, field: &'a syn::Field) -> Option<Self> {
        Some(Field {
            original: field,
            ident: field.ident.as_ref()?,
            ty: &field.ty,
            attrs: attr::field(cx, &field.attrs),
            option_of: option_inner(&field.ty),
        })
    }
}

/// `T` for a type spelled `Option<T>`, `std::option::Option<T>` or `core::option::Option<T>`.
/// A type alias of `Option` is not seen through: such a field is required.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let segments: Vec<_> = path.path.segments.iter().collect();
    let (last, prefix) = segments.split_last()?;
    let prefix_ok = match prefix {
        [] => true,
        [module, option] => {
            (module.ident == "std" || module.ident == "core") && option.ident == "option"
        }
        _ => false,
    };
    if !prefix_ok || last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.iter().collect::<Vec<_>>().as_slice() {
        [GenericArgument::Type(inner)] => Some(inner),
        _ => None,
    }
}
